package sequentialtests

import (
	"sync"
	"testing"
)

// startAndWait sets inTurn from a goroutine and waits for it; two tests call it, one after the other.
func startAndWait(value int) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if inTurn == 0 {
			inTurn = value
		}
	}()
	<-done
}

func TestInTurnFirst(t *testing.T) {
	startAndWait(1)
}

func TestInTurnSecond(t *testing.T) {
	startAndWait(2)
}

func TestInTurnThird(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		inTurn = 3
	}()
	<-done
}

// bothRunning holds each parallel test until the other runs too (go test -parallel 2 or more), so that neither
// has ended before the other writes: the race detector then sees the two writes unordered on every run.
var bothRunning = func() *sync.WaitGroup {
	wg := &sync.WaitGroup{}
	wg.Add(2)
	return wg
}()

func TestAtOnceFirst(t *testing.T) {
	t.Parallel()
	bothRunning.Done()
	bothRunning.Wait()
	done := make(chan struct{})
	go func() {
		defer close(done)
		atOnce = 1 // want "data-race: package variable atOnce is written here with no lock"
	}()
	<-done
}

func TestAtOnceSecond(t *testing.T) {
	t.Parallel()
	bothRunning.Done()
	bothRunning.Wait()
	done := make(chan struct{})
	go func() {
		defer close(done)
		atOnce = 2 // want "data-race: package variable atOnce is written here with no lock"
	}()
	<-done
}
