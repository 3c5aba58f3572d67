// Add is called once too often, so Wait never returns.
package main

import "sync"

func main() {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
		}()
	}
	wg.Wait() // culprit
}
