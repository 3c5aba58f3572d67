// min-go: 1.25
// Inside a synctest bubble, the test body waits on a channel nobody sends on.
// GOPATH mode defaults to Go 1.20 GODEBUG settings, under which synctest refuses
// to run; the directive below selects the behaviour a go 1.25 module gets.

//go:debug asynctimerchan=0
package main

import (
	"testing"
	"testing/synctest"
)

func TestBubbleDeadlock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ready := make(chan struct{})
		go func() {
			<-ready // culprit
		}()
		<-ready // culprit
	})
}
