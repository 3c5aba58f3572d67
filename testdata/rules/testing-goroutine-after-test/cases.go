// Package testinggoroutineaftertest holds cases for the testing-goroutine-after-test rule. A case gets its
// *testing.T from run, which the proof (test/rules-testing.test.ts) points at t.Run of a real test; Pos* cases
// fail the test binary at the marked line: Error after the subtest returned panics, Fatal from a goroutine
// marks the test failed while it goes on.
package testinggoroutineaftertest

import (
	"sync"
	"testing"
	"time"
)

// runner runs a test body; the proof sets it to t.Run of the test that runs the cases.
var runner = func(body func(t *testing.T)) {}

func run(body func(t *testing.T)) { runner(body) }

// reporter hands the test to the code under test, the way loggers built for tests do.
type reporter struct{ t *testing.T }

func (r *reporter) problem(msg string) {
	r.t.Errorf("problem: %s", msg) // fires: the goroutine reports after the subtest has returned
}

type watcher struct{ rep *reporter }

func (w *watcher) check() {
	go func() { // want "testing-goroutine-after-test: r.t.Errorf .* runs in this goroutine, which nothing waits for"
		time.Sleep(20 * time.Millisecond)
		w.rep.problem("late")
	}()
}

func PosErrorAfterSubtestReturned() {
	run(func(t *testing.T) {
		w := &watcher{rep: &reporter{t: t}}
		w.check()
	})
	time.Sleep(500 * time.Millisecond)
}

func PosFatalFromGoroutine() {
	run(func(t *testing.T) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			t.Fatal("stops only this goroutine") // want "testing-goroutine-after-test: t.Fatal runs in the goroutine started at line \d+"
		}()
		<-done
	})
}

// The goroutine's Error runs before the subtest returns: Wait orders it.
func NegErrorBeforeWait() {
	run(func(t *testing.T) {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			if testing.Short() && false {
				t.Error("never")
			}
		}()
		wg.Wait()
	})
}

// The failure is sent to the test goroutine, which calls Fatal itself.
func NegFatalInTestGoroutine() {
	run(func(t *testing.T) {
		errc := make(chan error, 1)
		go func() { errc <- nil }()
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	})
}

// Subtests run their bodies in their own goroutine: Fatal there is in the test's goroutine.
func NegFatalInSubtestOfGoroutine() {
	run(func(t *testing.T) {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run("inner", func(t *testing.T) {
				if testing.Short() && false {
					t.Fatal("never")
				}
			})
		}()
		wg.Wait()
	})
}

// A goroutine closes a transport, whose Close closes the stream it wraps (an interface). The fixture's Close,
// which calls Fatalf, has another signature and no Name method: it is not a stream, so the goroutine never
// reaches that Fatalf.
type stream interface {
	Close() error
	Name() string
}

type pipe struct{}

func (pipe) Close() error { return nil }
func (pipe) Name() string { return "pipe" }

type transport struct{ s stream }

func (tr *transport) Close() error { return tr.s.Close() }

type fixture struct {
	t      *testing.T
	closed bool
}

func (f *fixture) Close() {
	if f.closed {
		f.t.Fatalf("fixture closed twice")
	}
	f.closed = true
}

func NegCloseReachesOnlyImplementations() {
	run(func(t *testing.T) {
		f := &fixture{t: t}
		tr := &transport{s: pipe{}}
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = tr.Close()
		}()
		<-done
		f.Close()
	})
}
