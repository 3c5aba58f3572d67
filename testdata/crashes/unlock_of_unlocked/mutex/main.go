// Unlock is called on a Mutex that is not locked.
package main

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Inc() {
	c.n++
	c.mu.Unlock() // culprit
}

func main() {
	var c Counter
	c.Inc()
}
