// Goroutines that lock their OS thread and then block each keep a thread;
// debug.SetMaxThreads makes the runtime give up early.
package main

import (
	"runtime"
	"runtime/debug"
	"time"
)

func pinned(block chan struct{}) {
	runtime.LockOSThread()
	<-block // culprit
}

func main() {
	debug.SetMaxThreads(20)
	block := make(chan struct{})
	for i := 0; i < 100; i++ {
		go pinned(block)
	}
	time.Sleep(10 * time.Second)
}
