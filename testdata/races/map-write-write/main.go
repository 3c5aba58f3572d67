// Two goroutines write the same map without a lock: a write/write race on a map.
package main

import "sync"

func main() {
	scores := map[string]int{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		scores["alice"] = 1 // race: map
	}()
	go func() {
		defer wg.Done()
		scores["bob"] = 2 // race: map
	}()
	wg.Wait()
}
