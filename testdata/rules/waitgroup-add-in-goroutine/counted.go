package waitgroupadd

import "sync"

// fanOut counts each outer worker before starting it; a worker Adds for its helper while its own count still
// holds the counter above zero, and only then calls Done.
func fanOut(n int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			wg.Add(1)
			go func() {
				mu.Lock()
				total++
				mu.Unlock()
				wg.Done()
			}()
			wg.Done()
		}()
	}
	wg.Wait()
	return total
}

func NegAddInsideACountedGoroutine() {
	if fanOut(4) != 4 {
		panic("lost a helper")
	}
}
