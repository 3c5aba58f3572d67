// Package waitgroupserial holds the "Wait inside the loop that Adds" cases of the waitgroup-misuse rule. Nothing
// crashes here; the claim is about concurrency. Every worker records how many workers run at once in peak, and
// test/rules-exec-behaviour.test.ts checks that peak is 1 for each Pos* and above 1 for each NegConcurrent*.
package waitgroupserial

import (
	"sync"
	"sync/atomic"
	"time"
)

var running, peak atomic.Int32

// work stands for a slow job: long enough that jobs started together overlap.
func work() {
	n := running.Add(1)
	for {
		p := peak.Load()
		if n <= p || peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(20 * time.Millisecond)
	running.Add(-1)
}

func PosWaitAfterGo() {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
		wg.Wait() // want "waitgroup-misuse"
	}
}

type job struct{ id int }

func PosWaitLaterInIteration() {
	var wg sync.WaitGroup
	done := 0
	for _, j := range []job{{1}, {2}, {3}, {4}} {
		wg.Add(1)
		go func(j job) {
			defer wg.Done()
			_ = j.id
			work()
		}(j)
		done++
		// the wait comes later in the same iteration
		wg.Wait() // want "waitgroup-misuse"
	}
	_ = done
}

type server struct {
	wg sync.WaitGroup
}

func (s *server) serve() {
	defer s.wg.Done()
	work()
}

func PosFieldGroupNamedWorker() {
	s := &server{}
	for n := 4; n > 0; n-- {
		if n < 0 {
			return
		}
		s.wg.Add(1)
		go s.serve()
		s.wg.Wait() // want "waitgroup-misuse"
	}
}

// The fix: Wait after the loop.
func NegConcurrentWaitAfterLoop() {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	wg.Wait()
}

// Batches: an inner loop starts the goroutines, the outer loop waits for each batch.
func NegConcurrentBatches() {
	var wg sync.WaitGroup
	for batch := 0; batch < 2; batch++ {
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work()
			}()
		}
		wg.Wait()
	}
}

// Two goroutines per iteration run together.
func NegConcurrentPairs() {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			work()
		}()
		go func() {
			defer wg.Done()
			work()
		}()
		wg.Wait()
	}
}

// The spawner works alongside its goroutine before waiting for it.
func NegConcurrentSpawnerWorks() {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
		work()
		wg.Wait()
	}
}

// The loop is written to run once.
func NegLoopRunsOnce() {
	var wg sync.WaitGroup
	for i := 0; i < 1; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
		wg.Wait()
	}
}

// The loop ends after the first Wait.
func NegBreakAfterWait() {
	var wg sync.WaitGroup
	for {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
		wg.Wait()
		break
	}
}

// The Wait runs in a goroutine of its own, so the loop does not wait.
func NegConcurrentWaitInOwnGoroutine() {
	var wg sync.WaitGroup
	var waiters sync.WaitGroup
	for i := 0; i < 4; i++ {
		waiters.Add(1)
		go func() {
			defer waiters.Done()
			var inner sync.WaitGroup
			inner.Add(1)
			go func() {
				defer inner.Done()
				work()
			}()
			inner.Wait()
			wg.Wait()
		}()
	}
	waiters.Wait()
}

// A fresh group per iteration: the author waits for each goroutine on purpose (std's context benchmarks do this
// to measure a lookup from a new goroutine).
func NegGroupPerIteration() {
	for i := 0; i < 3; i++ {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
		wg.Wait()
	}
}

// The goroutine exists to contain a panic (std's sync.OnceFunc tests use it for runtime.Goexit).
func NegGoroutineContainsPanic() {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { _ = recover() }()
			work()
			panic("contained")
		}()
		wg.Wait()
	}
}
