// go-deadlock's timeout report: one goroutine holds a lock while it waits for a reply that needs the lock.
package main

import (
	"time"

	"github.com/sasha-s/go-deadlock"
)

type Cache struct {
	mu    deadlock.Mutex
	items map[string]string
}

func (c *Cache) refresh(done chan<- struct{}) {
	c.mu.Lock() // culprit
	c.items["k"] = "v"
	c.mu.Unlock()
	close(done)
}

func (c *Cache) Reload() {
	c.mu.Lock()
	defer c.mu.Unlock()
	done := make(chan struct{})
	go c.refresh(done)
	<-done
}

func main() {
	deadlock.Opts.DeadlockTimeout = 500 * time.Millisecond
	deadlock.Opts.DisableLockOrderDetection = true
	c := &Cache{items: map[string]string{}}
	c.Reload()
}
