// Claim: sync.Mutex is not reentrant: a goroutine that locks a mutex it already holds blocks forever; with
// nothing else to run, the runtime reports the deadlock and shows the goroutine in state "sync.Mutex.Lock".
//
// expect: exit=2 stderr~="^fatal error: all goroutines are asleep - deadlock!$" stderr~="^goroutine 1 \[sync\.Mutex\.Lock\]:$"
package main

import "sync"

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) incTwice() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inc() // locks c.mu again
}

func (c *counter) inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}

func main() {
	var c counter
	c.incTwice()
}
