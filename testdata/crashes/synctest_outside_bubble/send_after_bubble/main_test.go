// min-go: 1.25
// A channel created inside a synctest bubble belongs to it; the test sends on it after the bubble ended,
// from outside, and the runtime stops the program.
// GOPATH mode defaults to Go 1.20 GODEBUG settings, under which synctest refuses
// to run; the directive below selects the behaviour a go 1.25 module gets.

//go:debug asynctimerchan=0
package main

import (
	"testing"
	"testing/synctest"
)

func TestChannelEscapesBubble(t *testing.T) {
	var events chan string
	synctest.Test(t, func(t *testing.T) {
		events = make(chan string, 1)
	})
	events <- "done" // culprit
}
