// Claim: closing a channel twice panics with "close of closed channel"; recover() catches it. Without
// recover the program exits with status 2 and "panic: close of closed channel".
//
// expect: exit=0 stdout~="^recovered: close of closed channel \(runtime.Error=true\)$"
// expect: env:CLAIM_NO_RECOVER=1 exit=2 stderr~="^panic: close of closed channel$"
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	if os.Getenv("CLAIM_NO_RECOVER") == "" {
		defer func() {
			r := recover()
			_, isRuntimeError := r.(runtime.Error)
			fmt.Printf("recovered: %v (runtime.Error=%v)\n", r, isRuntimeError)
		}()
	}
	ch := make(chan int)
	close(ch)
	close(ch)
}
