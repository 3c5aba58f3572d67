// The same WaitGroup is Added to again while other waiters from the previous
// round have not yet returned from Wait.
package main

import "sync"

func main() {
	var wg sync.WaitGroup
	for {
		wg.Add(1)
		for i := 0; i < 4; i++ {
			go func() {
				wg.Wait() // culprit
			}()
		}
		go wg.Done()
		wg.Wait() // culprit
	}
}
