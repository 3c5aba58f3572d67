// A time.Tick in a function that main calls once and that returns only when the process stops: one ticker for
// the life of the process, not a leak per call. Must lint clean and run clean under -race.
package main

import (
	"fmt"
	"time"
)

func refreshUntil(stop <-chan struct{}) int {
	ticks := time.Tick(time.Millisecond)
	n := 0
	for {
		select {
		case <-ticks:
			n++
		case <-stop:
			return n
		}
	}
}

func main() {
	stop := make(chan struct{})
	go func() {
		time.Sleep(20 * time.Millisecond)
		close(stop)
	}()
	fmt.Println("refreshed", refreshUntil(stop) > 0)
}
