// Package recovercannotcatch holds cases for the recover-cannot-catch rule. Each Pos* guards a goroutine with a
// deferred recover, yet the goroutines write one map at the same time: the runtime ends the program with
// "fatal error: concurrent map writes" at the marked write (or the race detector reports it there first).
package recovercannotcatch

import (
	"fmt"
	"log"
	"sync"
)

func PosRecoverInLoopGoroutine() {
	counts := map[int]int{}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil { // want "recover-cannot-catch"
					log.Printf("recovered from concurrent map write: %v", r)
				}
			}()
			for i := 0; i < 200000; i++ {
				counts[i%64]++ // fires
			}
		}()
	}
	wg.Wait()
	fmt.Println(len(counts))
}

var cache = make(map[int]int)

func safeGo() {
	if r := recover(); r != nil {
		log.Printf("recovered: %v", r)
	}
}

func PosTwoWritersHelperRecover() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer safeGo() // want "recover-cannot-catch"
		for i := 0; i < 1000000; i++ {
			cache[i%32] = i // fires
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 1000000; i++ {
			cache[i%32]-- // fires
		}
	}()
	wg.Wait()
}

// The map is guarded by a mutex: the recover is for a real panic (index out of range below), not for the map.
func NegMutexGuardsMap() {
	counts := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { _ = recover() }()
			for i := 0; i < 1000; i++ {
				mu.Lock()
				counts[i%8]++
				mu.Unlock()
			}
			var xs []int
			_ = xs[w]
		}()
	}
	wg.Wait()
}

// Each goroutine fills its own map; results are merged after Wait.
func NegOwnMapPerGoroutine() {
	results := make([]map[int]int, 4)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { _ = recover() }()
			local := map[int]int{}
			for i := 0; i < 1000; i++ {
				local[i%8]++
			}
			results[w] = local
		}()
	}
	wg.Wait()
	fmt.Println(len(results))
}

// One goroutine writes the shared map; the spawner writes it only after Wait, so nothing overlaps.
func NegSingleWriterThenWait() {
	seen := map[string]bool{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { _ = recover() }()
		seen["worker"] = true
	}()
	wg.Wait()
	seen["main"] = true
	fmt.Println(len(seen))
}

// Writers hand their results over a channel; only the collector writes the map.
func NegChannelSerialises() {
	totals := map[int]int{}
	ch := make(chan int)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { _ = recover() }()
		for v := range ch {
			totals[v%4] += v
		}
	}()
	for i := 0; i < 100; i++ {
		ch <- i
	}
	close(ch)
	<-done
}

// sync.Map is safe for concurrent use; a recover around it guards other panics.
func NegSyncMap() {
	var m sync.Map
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { _ = recover() }()
			for i := 0; i < 1000; i++ {
				m.Store(i%8, w)
			}
		}()
	}
	wg.Wait()
}

// Two goroutines, each with its own map that happens to have the same name as the shared one.
func NegSameNameOwnMaps() {
	counts := map[int]int{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer func() { _ = recover() }()
		counts[1]++
	}()
	go func() {
		defer wg.Done()
		counts := map[int]int{}
		counts[2]++
	}()
	wg.Wait()
	fmt.Println(len(counts))
}

// The map is made afresh in every iteration: each goroutine writes its own.
func NegMapPerIteration() {
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		batch := make(map[int]int)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { _ = recover() }()
			for i := 0; i < 1000; i++ {
				batch[i%8] += w
			}
		}()
	}
	wg.Wait()
}
