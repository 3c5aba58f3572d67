// Package mixedatomicaccess holds cases for the mixed-atomic-access rule. In each Pos* the race detector
// reports the marked plain access racing with an atomic update of the same variable.
package mixedatomicaccess

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func PosReadWhileWorkersRun() {
	var done int64
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				atomic.AddInt64(&done, 1)
			}
		}()
	}
	fmt.Println("progress:", done) // want "mixed-atomic-access"
	wg.Wait()
}

func PosPlainIncrementInOtherGoroutine() {
	var total int64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		atomic.AddInt64(&total, 1)
	}()
	go func() {
		defer wg.Done()
		total++ // want "mixed-atomic-access"
	}()
	wg.Wait()
}

type stats struct {
	hits   int64
	misses int64
}

func PosFieldReadWhileUpdated() {
	s := &stats{}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for i := 0; i < 1000; i++ {
			atomic.AddInt64(&s.hits, 1)
		}
	}()
	fmt.Println("hits so far:", s.hits) // want "mixed-atomic-access"
	<-finished
}

// The gobyexample shape: every update is atomic and the plain read happens after Wait.
func NegReadAfterWait() {
	var ops uint64
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				atomic.AddUint64(&ops, 1)
			}
		}()
	}
	wg.Wait()
	fmt.Println("ops:", ops)
}

// Initialised plainly before any goroutine exists, then only atomic.
func NegPlainInitBeforeStart() {
	s := &stats{misses: 5}
	s.misses = 7
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		atomic.AddInt64(&s.misses, 1)
	}()
	wg.Wait()
	fmt.Println(atomic.LoadInt64(&s.misses))
}

func (s *stats) missRate() int64 { return atomic.LoadInt64(&s.misses) }

// All accesses go through sync/atomic, including the method's read.
func NegAllAtomic() {
	s := &stats{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		atomic.AddInt64(&s.misses, 1)
	}()
	fmt.Println(s.missRate())
	wg.Wait()
}

// A different struct has a field with the same name; its plain use is not the atomic field.
type report struct {
	done int
}

func (r *report) finish() { r.done++ }

func NegSameNameOtherVariable() {
	r := &report{}
	r.finish()
	var done int32
	atomic.StoreInt32(&done, 1)
	fmt.Println(r.done, atomic.LoadInt32(&done))
}

// The result of the goroutine is received over a channel before the plain read.
func NegChannelOrdersRead() {
	var n int64
	finished := make(chan struct{})
	go func() {
		atomic.AddInt64(&n, 2)
		close(finished)
	}()
	<-finished
	fmt.Println(n)
}

// Each goroutine has its own counter that happens to share a name: one counts atomically, the other plainly.
func NegOwnCounterPerGoroutine() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		var n int64
		atomic.AddInt64(&n, 1)
	}()
	go func() {
		defer wg.Done()
		var n int64
		n++
		_ = n
	}()
	wg.Wait()
}
