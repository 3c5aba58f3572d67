// Package goroutineleak holds cases for the goroutine-leak rule. Each Pos* returns before the worker sends,
// then waits; the test binary's timeout dump shows the worker still blocked in "chan send" at the marked line.
package goroutineleak

import (
	"context"
	"time"
)

func slowLookup() string {
	time.Sleep(20 * time.Millisecond)
	return "value"
}

func lookupWithTimeout() (string, bool) {
	result := make(chan string) // want "goroutine-leak"
	go func() {
		result <- slowLookup() // fires
	}()
	select {
	case v := <-result:
		return v, true
	case <-time.After(time.Millisecond):
		return "", false
	}
}

func PosTimeoutWins() {
	lookupWithTimeout()
	select {} // keep the process alive until the timeout dump lists the blocked sender
}

func lookupWithContext(ctx context.Context) error {
	errc := make(chan error) // want "goroutine-leak"
	go func() {
		time.Sleep(20 * time.Millisecond)
		errc <- nil // fires
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func PosCancelledFirst() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = lookupWithContext(ctx)
	select {}
}

func NegBuffered() {
	result := make(chan string, 1)
	go func() {
		result <- slowLookup()
	}()
	select {
	case <-result:
	case <-time.After(time.Millisecond):
	}
}

func NegPlainReceive() {
	result := make(chan string)
	go func() {
		result <- "done"
	}()
	<-result
}

func NegReceiverAlwaysWaits() {
	result := make(chan string)
	go func() {
		result <- slowLookup()
	}()
	timeout := time.After(time.Millisecond)
	select {
	case <-result:
	case <-timeout:
		<-result
	}
}

func NegSelectInLoop() {
	done := make(chan bool)
	go func() {
		time.Sleep(5 * time.Millisecond)
		done <- true
	}()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
	}
}
