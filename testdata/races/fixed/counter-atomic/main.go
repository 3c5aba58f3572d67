// The counter of testdata/races/counter, fixed with atomic.Int64: the same four goroutines add to it a thousand
// times each, and the race detector stays quiet.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type Stats struct {
	total atomic.Int64 // was: total int, updated with s.total++ outside the lock
}

func (s *Stats) Add(n int64) { s.total.Add(n) } // instead of s.total += n

func (s *Stats) Total() int64 { return s.total.Load() }

func main() {
	s := &Stats{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				s.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Println(s.Total())
}
