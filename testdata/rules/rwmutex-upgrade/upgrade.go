// Package rwmutexupgrade holds cases for the rwmutex-upgrade rule. Each Pos* blocks forever; the test binary's
// timeout dump shows the goroutine stuck at the marked line.
package rwmutexupgrade

import (
	"sync"
	"time"
)

type cache struct {
	mu   sync.RWMutex
	data map[string]int
}

func (c *cache) getOrLoad(k string) int {
	c.mu.RLock()
	v, ok := c.data[k]
	if !ok {
		c.mu.Lock() // want "rwmutex-upgrade"
		c.data[k] = 1
		c.mu.Unlock()
	}
	c.mu.RUnlock()
	return v
}

func PosUpgrade() {
	c := &cache{data: map[string]int{}}
	c.getOrLoad("k")
}

func PosRecursiveReadWithWaitingWriter() {
	var mu sync.RWMutex
	mu.RLock()
	go func() {
		mu.Lock() // a writer arrives while the first read lock is held
		mu.Unlock()
	}()
	time.Sleep(10 * time.Millisecond)
	mu.RLock() // want "rwmutex-upgrade"
	mu.RUnlock()
	mu.RUnlock()
}

func NegReleaseThenLock() {
	c := &cache{data: map[string]int{}}
	c.mu.RLock()
	_, ok := c.data["k"]
	c.mu.RUnlock()
	if !ok {
		c.mu.Lock()
		c.data["k"] = 1
		c.mu.Unlock()
	}
}

func NegPlainMutexIsNotJudged() {
	var mu sync.RWMutex
	mu.Lock()
	mu.Unlock()
	mu.RLock()
	mu.RUnlock()
}
