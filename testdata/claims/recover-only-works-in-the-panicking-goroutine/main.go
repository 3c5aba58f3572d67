// Claim: recover() only stops a panic in the goroutine that panicked: a deferred recover in main does not
// catch a panic raised in a goroutine main started, and that panic ends the whole program.
//
// expect: exit=2 stderr~="^panic: boom in worker$" stdout!~="recovered"
package main

import (
	"fmt"
	"time"
)

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	go func() {
		panic("boom in worker")
	}()
	time.Sleep(2 * time.Second)
}
