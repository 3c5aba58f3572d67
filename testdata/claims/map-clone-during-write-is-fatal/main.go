// Claim: maps.Clone (Go >= 1.21) of a map another goroutine is writing can be detected as the fatal error
// "concurrent map clone and map write".
//
// go: >=1.21
// expect: exit=2 stderr~="^fatal error: concurrent map (clone and map write|writes)$"
package main

import (
	"maps"
	"sync"
)

var sink int

func main() {
	m := map[int]int{}
	for i := 0; i < 64; i++ {
		m[i] = i
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			m[i%64] = i
		}
	}()
	go func() {
		defer wg.Done()
		for {
			sink += len(maps.Clone(m))
		}
	}()
	wg.Wait()
}
