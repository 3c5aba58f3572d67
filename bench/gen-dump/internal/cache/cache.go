// Package cache is a read-mostly cache guarded by an RWMutex, with a condition variable for callers that
// wait for a background fill, and a lazily built index behind sync.Once.
package cache

import (
	"sync"

	"example.com/shop/internal/ready"
)

// Cache maps keys to values.
type Cache struct {
	mu     sync.RWMutex
	data   map[string][]byte
	fillMu sync.Mutex
	filled *sync.Cond
	done   bool
	once   sync.Once
	index  map[string]int
}

// New makes an empty cache.
func New() *Cache {
	c := &Cache{data: map[string][]byte{}}
	c.filled = sync.NewCond(&c.fillMu)
	return c
}

// Freeze takes the write lock and keeps it, as a writer stuck mid-update would.
func (c *Cache) Freeze() { c.mu.Lock() }

// Get reads a value under the read lock.
func (c *Cache) Get(key string) ([]byte, bool) {
	ready.Done()
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.data[key]
	return v, ok
}

// Set writes a value under the write lock.
func (c *Cache) Set(key string, v []byte) {
	ready.Done()
	c.mu.Lock()
	c.data[key] = v
	c.mu.Unlock()
}

// WaitFilled blocks until the background fill has finished.
func (c *Cache) WaitFilled() {
	c.fillMu.Lock()
	ready.Done()
	for !c.done {
		c.filled.Wait()
	}
	c.fillMu.Unlock()
}

// Index builds the search index once; build is the (slow) builder.
func (c *Cache) Index(build func() map[string]int) map[string]int {
	ready.Done()
	c.once.Do(func() { c.index = build() })
	return c.index
}
