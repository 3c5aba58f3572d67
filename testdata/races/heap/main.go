// A heap-allocated counter shared by pointer between goroutines.
package main

import (
	"fmt"
	"sync"
)

type stats struct {
	hits int
}

func main() {
	st := &stats{}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.hits = st.hits + 1 // race: heap
		}()
	}
	wg.Wait()
	fmt.Println(st.hits)
}
