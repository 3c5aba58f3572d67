// Claim: unlocking an unlocked sync.Mutex is a fatal error (Go 1.8 and >= 1.10); a deferred recover()
// does not stop it.
//
// expect: exit=2 stderr~="^fatal error: sync: unlock of unlocked mutex$" stdout!~="recovered" stderr!~="^panic:"
package main

import (
	"fmt"
	"sync"
)

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	var mu sync.Mutex
	mu.Unlock()
}
