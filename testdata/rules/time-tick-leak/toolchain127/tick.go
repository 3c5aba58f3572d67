// Package timetick127 has positive shapes of ../tick.go in a go 1.22 module whose toolchain line is go1.27.3:
// none is reported, because Go 1.27 removed the old timers and collects unreferenced tickers at any go line.
package timetick127

import (
	"time"
)

// Polls once: the ticker outlives the call.
func NegPollOnceWithToolchain127() {
	select {
	case <-time.Tick(time.Hour):
	default:
	}
}

// A new ticker on every round of the loop; the loop ends when ready is closed.
func NegNewTickerEachRoundWithToolchain127() {
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
