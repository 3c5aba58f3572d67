// Claim: goroutines that hold an OS thread (here: runtime.LockOSThread, then block) force the runtime to
// start more threads; past the limit (10000 by default, lowered here with debug.SetMaxThreads) the program
// stops with "fatal error: thread exhaustion", which recover() does not stop.
//
// expect: exit=2 stderr~="^runtime: program exceeds 20-thread limit$" stderr~="^fatal error: thread exhaustion$" stdout!~="recovered"
package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"time"
)

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	debug.SetMaxThreads(20)
	block := make(chan struct{})
	for i := 0; i < 40; i++ {
		go func() {
			runtime.LockOSThread() // this goroutine now owns its thread until it exits
			<-block
		}()
	}
	time.Sleep(5 * time.Second)
}
