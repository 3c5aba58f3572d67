package main

import "sync"

func squares(n int) []int {
	results := make([]int, n) // sized up front: no append, no shared slice header
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = i * i // distinct elements do not race
		}(i)
	}
	wg.Wait() // every write happens before Wait returns
	return results
}

func main() {
	_ = squares(8)
}
