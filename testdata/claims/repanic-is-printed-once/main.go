// Claim: a panic that is recovered and raised again with the same value is printed once, marked
// "[recovered, repanicked]" (Go >= 1.25); Go 1.24 and older print the chain "panic: v [recovered]" followed by
// a second "panic: v" (checked by running 1.24.13).
//
// go: >=1.25
// expect: exit=2 stderr~="^panic: lost connection \[recovered, repanicked\]$" stderr!~="^\s*panic: lost connection$"
package main

import "fmt"

func main() {
	defer func() {
		r := recover()
		fmt.Println("cleaning up after:", r)
		panic(r)
	}()
	panic("lost connection")
}
