// Claim: a locked sync.Mutex is not tied to the goroutine that locked it: another goroutine may unlock it,
// and that is not an "unlock of unlocked mutex" error.
//
// build: -race
// expect: exit=0 stdout~="^unlocked elsewhere, locked again$" stderr!~="fatal error|DATA RACE"
package main

import (
	"fmt"
	"sync"
)

func main() {
	var mu sync.Mutex
	mu.Lock()
	done := make(chan struct{})
	go func() {
		mu.Unlock()
		close(done)
	}()
	<-done
	mu.Lock()
	fmt.Println("unlocked elsewhere, locked again")
	mu.Unlock()
}
