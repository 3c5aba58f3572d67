// A counter incremented outside its lock: `c.total++` reads, adds and writes, so two goroutines racing on it
// give a read/write and a write/write race on the same line, one bug.
package main

import (
	"fmt"
	"sync"
)

type Counter struct {
	mu    sync.Mutex
	total int
	names []string
}

func (c *Counter) Add(name string) {
	c.mu.Lock()
	c.names = append(c.names, name)
	c.mu.Unlock()
	c.total++ // race: counter
}

func main() {
	c := &Counter{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				c.Add("x")
			}
		}()
	}
	wg.Wait()
	fmt.Println(len(c.names))
}
