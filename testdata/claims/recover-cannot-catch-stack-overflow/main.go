// Claim: exceeding the maximum stack size is the fatal error "stack overflow", preceded by
// "runtime: goroutine stack exceeds N-byte limit"; recover() cannot stop it. (The limit is lowered with
// debug.SetMaxStack so the proof runs fast; the default is 1 GB on 64-bit systems.)
//
// expect: exit=2 stderr~="^runtime: goroutine stack exceeds 1048576-byte limit$" stderr~="^fatal error: stack overflow$" stdout!~="recovered"
package main

import (
	"fmt"
	"runtime/debug"
)

func depth(n int) int {
	var pad [64]byte
	pad[n%64] = byte(n)
	return depth(n+1) + int(pad[0])
}

func main() {
	debug.SetMaxStack(1 << 20)
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	fmt.Println(depth(0))
}
