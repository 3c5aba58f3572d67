// Workers started in a loop capture and write one shared map.
package main

import "sync"

func main() {
	seen := map[string]bool{}
	var wg sync.WaitGroup
	words := []string{"alpha", "beta", "gamma", "delta"}
	for round := 0; ; round++ {
		for _, w := range words {
			wg.Add(1)
			go func(w string) {
				defer wg.Done()
				for i := 0; i < 1000; i++ {
					seen[w] = i%2 == 0 // culprit
				}
			}(w)
		}
		wg.Wait()
	}
}
