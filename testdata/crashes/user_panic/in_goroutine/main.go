// A worker goroutine panics; the whole program dies with it.
package main

import (
	"fmt"
	"sync"
)

func worker(id int, wg *sync.WaitGroup) {
	if id == 3 {
		panic(fmt.Sprintf("worker %d: bad input", id)) // culprit
	}
	wg.Done()
}

func main() {
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go worker(i, &wg)
	}
	wg.Wait()
}
