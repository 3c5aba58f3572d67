// Put unlocks early on its error path and returns; the deferred Unlock then runs at that return and unlocks a
// mutex that is no longer locked. Go reports the deferred call at the return statement; only a traceback with
// wrapper frames (GOTRACEBACK=system on Go 1.21, which names the wrapper Put.func1) shows the defer line: both
// lines are marked. `// released` marks the earlier Unlock.
package main

import (
	"errors"
	"sync"
)

type Cache struct {
	mu   sync.Mutex
	data map[string]int
}

func (c *Cache) Put(key string, value int) error {
	c.mu.Lock()
	defer c.mu.Unlock() // culprit
	if value < 0 {
		c.mu.Unlock()                       // released
		return errors.New("negative value") // culprit
	}
	c.data[key] = value
	return nil
}

func main() {
	c := &Cache{data: map[string]int{}}
	_ = c.Put("a", 1)
	_ = c.Put("b", -1)
}
