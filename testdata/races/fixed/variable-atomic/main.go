package main

import (
	"sync"
	"sync/atomic"
)

var requests atomic.Int64

func handle() {
	requests.Add(1) // instead of requests++
}

func report() int64 {
	return requests.Load()
}

func main() {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); handle() }()
	}
	_ = report()
	wg.Wait()
}
