// A goroutine calls runtime.Goexit and a deferred function then panics.
package main

import (
	"runtime"
	"time"
)

func task() {
	defer func() {
		panic("deferred cleanup after Goexit") // culprit
	}()
	runtime.Goexit()
}

func main() {
	go task()
	time.Sleep(time.Second)
}
