package goroutineleak

import (
	"testing"
	"time"
)

func shutdown() {}

// The worker is stranded only when the timeout case runs, and that case fails the test: a note, not a warning.
func TestShutdownReturns(t *testing.T) {
	returned := make(chan bool) // want "goroutine-leak: only in a test run that has already failed"
	go func() {
		shutdown()
		returned <- true
	}()
	select {
	case <-returned:
	case <-time.After(time.Second):
		t.Fatal("shutdown did not return")
	}
}
