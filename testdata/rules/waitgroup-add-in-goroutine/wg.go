// Package waitgroupadd holds cases for the waitgroup-add-in-goroutine rule. In each Pos* the race detector
// reports either the Add racing with Wait or the goroutine's write racing with the read after Wait.
package waitgroupadd

import (
	"fmt"
	"sync"
	"time"
)

func PosAddInside() {
	var wg sync.WaitGroup
	total := 0
	go func() {
		time.Sleep(100 * time.Millisecond) // Wait can return before this Add runs; the delay makes that order near-certain
		wg.Add(1)                          // want "waitgroup-add-in-goroutine"
		defer wg.Done()
		total = 42 // fires
	}()
	wg.Wait()
	fmt.Println(total)                 // fires
	time.Sleep(300 * time.Millisecond) // keeps the process alive until the write happens (no ordering)
}

type batch struct {
	wg      sync.WaitGroup
	results []int
}

func PosAddInsideLoop() {
	b := &batch{results: make([]int, 3)}
	for i := 0; i < 3; i++ {
		go func() {
			time.Sleep(100 * time.Millisecond)
			b.wg.Add(1) // want "waitgroup-add-in-goroutine"
			defer b.wg.Done()
			b.results[i] = i // fires
		}()
	}
	b.wg.Wait()
	fmt.Println(b.results[0], b.results[1], b.results[2]) // fires
	time.Sleep(300 * time.Millisecond)
}

func NegAddBefore() {
	var wg sync.WaitGroup
	total := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		total = 42
	}()
	wg.Wait()
	fmt.Println(total)
}

func NegAddForNestedWork() {
	var outer sync.WaitGroup
	outer.Add(1)
	go func() {
		defer outer.Done()
		var inner sync.WaitGroup
		inner.Add(1)
		go func() { inner.Done() }()
		inner.Wait()
	}()
	outer.Wait()
}

func NegAddWhileCounted() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		wg.Add(1)
		go func() { defer wg.Done() }()
	}()
	wg.Wait()
}
