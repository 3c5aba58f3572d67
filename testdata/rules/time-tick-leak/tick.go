// Package timetick holds cases for the time-tick-leak rule. The module says go 1.22, so every ticker made by
// time.Tick in a function that returns stays alive (and in the heap) for the rest of the program; the test
// in test/rules-exec-message.test.ts measures that heap growth for each Pos* and its absence at go 1.23.
package timetick

import (
	"sync"
	"time"
)

// Polls once: the ticker outlives the call.
func PosPollOnce() {
	select {
	case <-time.Tick(time.Hour): // want "time-tick-leak"
	default:
	}
}

// The loop has a way out (done), so the function returns and leaves the ticker running.
func PosTickUntilDone() {
	done := make(chan struct{})
	close(done)
	tick := time.Tick(time.Hour) // want "time-tick-leak"
	for {
		select {
		case <-done:
			return
		case <-tick:
		}
	}
}

// A new ticker on every round of the loop; the loop ends when ready is closed.
func PosNewTickerEachRound() {
	ready := make(chan struct{})
	close(ready)
	for {
		select {
		case <-ready:
			return
		case <-time.Tick(time.Hour): // want "time-tick-leak"
		}
	}
}

// A labelled break leaves the loop from inside the select, so the function returns.
func PosLabelledBreakFromSelect() {
	stop := make(chan struct{})
	close(stop)
	tick := time.Tick(time.Hour) // want "time-tick-leak"
loop:
	for {
		select {
		case <-stop:
			break loop
		case <-tick:
		}
	}
}

// Stopped ticker: nothing leaks.
func NegNewTickerStopped() {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	select {
	case <-t.C:
	default:
	}
}

// A goroutine that ticks for the life of the program: the ticker is in use until the program ends. A break
// inside the select leaves the select, not the loop.
func NegTickForever() {
	var mu sync.Mutex
	count := 0
	go func() {
		for range time.Tick(time.Hour) {
			select {
			default:
				mu.Lock()
				count++
				mu.Unlock()
				break
			}
		}
	}()
}

// Same, with the channel in a variable and an endless for loop.
func NegTickForeverVariable() {
	go func() {
		tick := time.Tick(time.Hour)
		for {
			<-tick
		}
	}()
}

// The time package's own example: the range over the tick channel never ends, so the function never returns.
func NegRangeOverTickVariable() {
	go func() {
		c := time.Tick(time.Hour)
		for next := range c {
			_ = next
		}
	}()
}

// A package-level ticker lives as long as the program.
var heartbeat = time.Tick(time.Hour)

func NegPackageLevelTicker() {
	select {
	case <-heartbeat:
	default:
	}
}
