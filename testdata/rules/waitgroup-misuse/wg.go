// Package waitgroupmisuse holds cases for the waitgroup-misuse rule. In each Pos* a goroutine counted once by
// wg.Add(1) calls Done twice on one path: the program panics with "sync: negative WaitGroup counter". The
// spawner keeps running after Wait, as a real program would, so the extra Done happens before it exits.
package waitgroupmisuse

import (
	"errors"
	"sync"
	"time"
)

var errStep = errors.New("step failed")

func step(fail bool) error {
	if fail {
		return errStep
	}
	return nil
}

func PosDeferredAndExplicitDone() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = step(false)
		wg.Done() // want "waitgroup-misuse"
	}() // fires: the deferred Done runs here, at return
	wg.Wait()
	time.Sleep(200 * time.Millisecond)
}

type pool struct {
	wg sync.WaitGroup
}

func PosDoneOnErrorPath() {
	p := &pool{}
	for i := 0; i < 2; i++ {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			if err := step(true); err != nil {
				p.wg.Done() // want "waitgroup-misuse"
				return      // fires: the deferred Done runs here
			}
		}() // fires: the deferred Done at exit can also be reported at the closing brace
	}
	p.wg.Wait()
	time.Sleep(200 * time.Millisecond)
}

func PosNegativeAdd() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		_ = step(false)
		wg.Add(-1)
		wg.Done() // want "waitgroup-misuse"
	}()
	wg.Wait()
	time.Sleep(200 * time.Millisecond)
}

// Add(2) counts both Done calls.
func NegAddCountsBoth() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_ = step(false)
		wg.Done()
	}()
	wg.Wait()
}

// Two Done calls, but on different paths: exactly one runs.
func NegDoneOnEitherBranch() {
	var wg sync.WaitGroup
	for _, fail := range []bool{true, false} {
		wg.Add(1)
		go func() {
			if err := step(fail); err != nil {
				wg.Done()
				return
			}
			wg.Done()
		}()
	}
	wg.Wait()
}

// The goroutine adds a count for its own second phase before the second Done.
func NegAddBeforeSecondDone() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		wg.Add(1)
		_ = step(false)
		wg.Done()
	}()
	wg.Wait()
}

// The nested goroutine's Done is counted by its own Add.
func NegNestedGoroutineDone() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		wg.Add(1)
		go func() { defer wg.Done() }()
	}()
	wg.Wait()
}

// Two groups: one Done each.
func NegTwoGroups() {
	var started, finished sync.WaitGroup
	finished.Add(1)
	started.Add(1)
	go func() {
		defer finished.Done()
		started.Done()
		_ = step(false)
	}()
	started.Wait()
	finished.Wait()
}
