// Claim: sending on a closed channel panics with "send on closed channel"; recover() catches it. Without
// recover the program exits with status 2 and "panic: send on closed channel".
//
// expect: exit=0 stdout~="^recovered: send on closed channel \(runtime.Error=true\)$"
// expect: env:CLAIM_NO_RECOVER=1 exit=2 stderr~="^panic: send on closed channel$"
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
	ch := make(chan int, 1)
	close(ch)
	ch <- 1
}
