// Claim: the zero value of sync.Map is empty and ready to use from many goroutines without any
// initialisation, and the race detector reports nothing.
//
// build: -race
// expect: exit=0 stdout~="^count=800$" stderr!~="DATA RACE"
package main

import (
	"fmt"
	"sync"
)

type registry struct {
	items sync.Map // zero value, never initialised
}

func main() {
	var r registry
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				r.items.Store(g*100+i, i)
				r.items.Load(i)
			}
		}(g)
	}
	wg.Wait()
	n := 0
	r.items.Range(func(_, _ any) bool { n++; return true })
	fmt.Printf("count=%d\n", n)
}
