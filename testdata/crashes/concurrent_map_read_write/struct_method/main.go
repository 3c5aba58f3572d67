// A config registry: Set locks, Lookup forgets to.
package main

import (
	"strconv"
	"sync"
)

type Registry struct {
	mu     sync.RWMutex
	values map[string]string
}

func (r *Registry) Set(k, v string) {
	r.mu.Lock()
	r.values[k] = v // culprit
	r.mu.Unlock()
}

// Lookup should take r.mu.RLock but does not.
func (r *Registry) Lookup(k string) (string, bool) {
	v, ok := r.values[k] // culprit
	return v, ok
}

func main() {
	r := &Registry{values: make(map[string]string)}
	go func() {
		for i := 0; ; i++ {
			r.Set("key"+strconv.Itoa(i%16), "v")
		}
	}()
	for i := 0; ; i++ {
		r.Lookup("key" + strconv.Itoa(i%16))
	}
}
