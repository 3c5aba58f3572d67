// Claim: calling Done more often than Add makes the WaitGroup counter negative; that is an ordinary panic
// (not a fatal error), so recover() catches it. It is not a runtime.Error: the value is a string.
//
// expect: exit=0 stdout~="^recovered: sync: negative WaitGroup counter \(string\)$"
// expect: env:CLAIM_NO_RECOVER=1 exit=2 stderr~="^panic: sync: negative WaitGroup counter$"
package main

import (
	"fmt"
	"os"
	"sync"
)

func main() {
	if os.Getenv("CLAIM_NO_RECOVER") == "" {
		defer func() {
			r := recover()
			fmt.Printf("recovered: %v (%T)\n", r, r)
		}()
	}
	var wg sync.WaitGroup
	wg.Add(1)
	wg.Done()
	wg.Done()
}
