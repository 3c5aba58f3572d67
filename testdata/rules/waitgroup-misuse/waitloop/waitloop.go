// Package waitloop holds waitgroup-misuse cases where the Add before a loop counts every iteration and the Wait
// sits inside the loop. Each Pos* deadlocks: the test binary's timeout dump shows the Wait at the marked line.
package waitloop

import "sync"

type shard struct{ rows int }

func compactAll(shards []*shard) {
	var wg sync.WaitGroup
	wg.Add(len(shards))
	for _, s := range shards {
		go func(s *shard) {
			defer wg.Done()
			s.rows = 0
		}(s)
		wg.Wait() // want "waitgroup-misuse: the first Wait never returns"
	}
}

func PosWaitInLoopAfterAddForAll() {
	compactAll([]*shard{{rows: 1}, {rows: 2}})
}

func compactEach(shards []*shard) {
	var wg sync.WaitGroup
	wg.Add(len(shards))
	for _, s := range shards {
		go func(s *shard) {
			defer wg.Done()
			s.rows = 0
		}(s)
	}
	wg.Wait()
}

func NegWaitAfterTheLoop() {
	compactEach([]*shard{{rows: 1}, {rows: 2}})
}
