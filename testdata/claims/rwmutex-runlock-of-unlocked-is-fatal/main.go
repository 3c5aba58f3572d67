// Claim: RUnlock of an RWMutex that is not read-locked is a fatal error that recover() does not stop.
//
// expect: exit=2 stderr~="^fatal error: sync: RUnlock of unlocked RWMutex$" stdout!~="recovered"
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
	var mu sync.RWMutex
	mu.RUnlock()
}
