// Package worker starts goroutines its callers forget to stop.
package worker

import "time"

// Fetch returns the first of two results; the other sender stays blocked forever.
func Fetch() int {
	results := make(chan int)
	for i := 0; i < 2; i++ {
		go func(n int) {
			time.Sleep(time.Duration(n) * time.Millisecond)
			results <- n // leak: TestFetch (unreachable)
		}(i)
	}
	return <-results
}

// Stop is kept in a package variable, so the poller's channel stays reachable.
var Stop = make(chan struct{})

func StartPoller() {
	go poll()
}

func poll() {
	<-Stop // leak: TestPoll (reachable)
}
