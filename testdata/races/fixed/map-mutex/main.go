package main

import "sync"

type Cache struct {
	mu    sync.Mutex // guards items
	items map[string]string
}

func (c *Cache) Get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.items[key]
	return v, ok
}

func (c *Cache) Put(key, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[key] = value
}

func main() {
	c := &Cache{items: map[string]string{}}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); c.Put("a", "1") }()
		go func() { defer wg.Done(); c.Get("a") }()
	}
	wg.Wait()
}
