// Two goroutines append to the same slice: both read the slice header and write it.
package main

import (
	"fmt"
	"sync"
)

func main() {
	results := make([]int, 0, 8)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		results[0:1][0] = 1 // race: slice
	}()
	go func() {
		defer wg.Done()
		results[0:1][0] = 2 // race: slice
	}()
	wg.Wait()
	fmt.Println(results[:1])
}
