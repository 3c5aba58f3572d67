// Claim: closing a nil channel panics with "close of nil channel", a run-time panic recover() can catch.
//
// expect: exit=0 stdout~="^recovered: close of nil channel \(runtime.Error=true\)$"
package main

import (
	"fmt"
	"runtime"
)

func main() {
	defer func() {
		r := recover()
		_, isRuntimeError := r.(runtime.Error)
		fmt.Printf("recovered: %v (runtime.Error=%v)\n", r, isRuntimeError)
	}()
	var ch chan int
	close(ch)
}
