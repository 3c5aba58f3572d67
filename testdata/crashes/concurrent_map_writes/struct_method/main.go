// A cache whose Put method forgets to take the lock it declares.
package main

import (
	"strconv"
	"sync"
)

type Cache struct {
	mu    sync.Mutex
	items map[string]string
}

func NewCache() *Cache {
	return &Cache{items: make(map[string]string)}
}

// Put should hold c.mu but does not.
func (c *Cache) Put(key, value string) {
	c.items[key] = value // culprit
}

func fill(c *Cache, prefix string, done chan<- struct{}) {
	for i := 0; ; i++ {
		c.Put(prefix+strconv.Itoa(i%100), "v")
	}
}

func main() {
	c := NewCache()
	done := make(chan struct{})
	for w := 0; w < 4; w++ {
		go fill(c, "k", done)
	}
	<-done
}
