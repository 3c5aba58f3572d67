// Package timetick123 has the positive shapes of ../tick.go in a go 1.23 module: none is reported, because
// from Go 1.23 (asynctimerchan=0) the garbage collector recovers unreferenced tickers.
package timetick123

import (
	"time"
)

// Polls once: the ticker outlives the call.
func NegPollOnceAt123() {
	select {
	case <-time.Tick(time.Hour):
	default:
	}
}

// The loop has a way out (done), so the function returns and leaves the ticker running.
func NegTickUntilDoneAt123() {
	done := make(chan struct{})
	close(done)
	tick := time.Tick(time.Hour)
	for {
		select {
		case <-done:
			return
		case <-tick:
		}
	}
}

// A new ticker on every round of the loop; the loop ends when ready is closed.
func NegNewTickerEachRoundAt123() {
	ready := make(chan struct{})
	close(ready)
	for {
		select {
		case <-ready:
			return
		case <-time.Tick(time.Hour):
		}
	}
}

// A labelled break leaves the loop from inside the select, so the function returns.
func NegLabelledBreakFromSelectAt123() {
	stop := make(chan struct{})
	close(stop)
	tick := time.Tick(time.Hour)
loop:
	for {
		select {
		case <-stop:
			break loop
		case <-tick:
		}
	}
}
