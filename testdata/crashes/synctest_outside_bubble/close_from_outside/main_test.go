// min-go: 1.25
// A goroutine started before the bubble closes a channel the bubble created: a close from outside the bubble
// is fatal, and a deferred recover() in that goroutine does not help.
// GOPATH mode defaults to Go 1.20 GODEBUG settings, under which synctest refuses
// to run; the directive below selects the behaviour a go 1.25 module gets.

//go:debug asynctimerchan=0
package main

import (
	"testing"
	"testing/synctest"
)

func closer(chans <-chan chan struct{}, closed chan<- bool) {
	defer func() { closed <- recover() != nil }()
	ch := <-chans
	close(ch) // culprit
}

func TestCloseFromOutside(t *testing.T) {
	chans := make(chan chan struct{}, 1)
	closed := make(chan bool)
	go closer(chans, closed)
	synctest.Test(t, func(t *testing.T) {
		chans <- make(chan struct{})
	})
	t.Log("recovered:", <-closed)
}
