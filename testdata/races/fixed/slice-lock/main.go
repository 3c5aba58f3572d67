package main

import "sync"

type Results struct {
	mu    sync.Mutex // guards items
	items []int
}

func (r *Results) Add(v int) {
	r.mu.Lock()
	r.items = append(r.items, v)
	r.mu.Unlock()
}

func main() {
	r := &Results{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); r.Add(i) }(i)
	}
	wg.Wait()
}
