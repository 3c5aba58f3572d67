// Claim: SIGQUIT (Ctrl+\ or kill -QUIT) makes a Go program print "SIGQUIT: quit" and the stacks of all
// goroutines, then exit with status 2; deferred recover() plays no part. (Go 1.26 also prints gp=, m= and mp=
// words in each goroutine header of this dump.)
//
// expect: exit=2 stderr~="^SIGQUIT: quit$" stderr~="^goroutine \d+ [^\n]*\[chan receive\]:$" goroutines>=2 stdout!~="recovered"
package main

import (
	"bytes"
	"fmt"
	"runtime"
	"syscall"
	"time"
)

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	go func() {
		never := make(chan int)
		<-never
	}()
	// Wait until the goroutine is parked, so the dump shows it in its final state even on a loaded machine.
	buf := make([]byte, 1<<16)
	for !bytes.Contains(buf[:runtime.Stack(buf, true)], []byte("[chan receive]:")) {
		time.Sleep(time.Millisecond)
	}
	_ = syscall.Kill(syscall.Getpid(), syscall.SIGQUIT)
	time.Sleep(5 * time.Second)
}
