// A handler that gives up on a slow lookup leaves the goroutine it started blocked on its send: nothing will
// ever receive. 300 requests leave 300 senders behind, and handle, which created them, is on no stack any more.
// The dump is taken about two seconds after start, so no wait time is printed. Two groups that are not leaks:
// 8 idle workers (too few to suspect) and 150 waiters created by main.main, which is still running.
package main

import (
	"os"
	"runtime/pprof"
	"time"
)

func lookup(key int) int {
	time.Sleep(10 * time.Millisecond)
	return key * 2
}

func handle(key int) int {
	result := make(chan int)
	go func() {
		result <- lookup(key) // culprit
	}()
	select {
	case v := <-result:
		return v
	case <-time.After(time.Millisecond):
		return -1
	}
}

func startWorkers(jobs <-chan int) {
	for i := 0; i < 8; i++ {
		go func() {
			for range jobs {
			}
		}()
	}
}

func main() {
	jobs := make(chan int)
	startWorkers(jobs)
	done := make(chan struct{})
	for i := 0; i < 150; i++ {
		go func() {
			<-done
		}()
	}
	for i := 0; i < 300; i++ {
		handle(i)
	}
	time.Sleep(2 * time.Second)
	pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
	close(done)
}
