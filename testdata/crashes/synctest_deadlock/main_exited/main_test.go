// min-go: 1.25
// The bubble's main function returns while a goroutine it started still waits on a channel created in the
// bubble: synctest reports that the main bubble goroutine exited with blocked goroutines remaining.
// GOPATH mode defaults to Go 1.20 GODEBUG settings, under which synctest refuses
// to run; the directive below selects the behaviour a go 1.25 module gets.

//go:debug asynctimerchan=0
package main

import (
	"testing"
	"testing/synctest"
)

func TestWorkerOutlivesBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		results := make(chan int)
		go func() {
			<-results // culprit
		}()
	})
}
