// Prints a full goroutine dump with runtime/pprof (debug=2) and exits normally.
package main

import (
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

func consume(jobs <-chan int) {
	for range jobs { // culprit
	}
}

func main() {
	jobs := make(chan int)
	for i := 0; i < 6; i++ {
		go consume(jobs)
	}
	var mu sync.Mutex
	mu.Lock()
	for i := 0; i < 2; i++ {
		go func() {
			mu.Lock()
			mu.Unlock()
		}()
	}
	go time.Sleep(time.Hour)
	time.Sleep(200 * time.Millisecond)
	pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
}
