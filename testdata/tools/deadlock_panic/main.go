// go-deadlock configured to panic instead of exiting: the crash's stack runs through the go-deadlock module,
// whose frames carry its module-cache path and version (github.com/sasha-s/go-deadlock@v0.3.9).
package main

import (
	"time"

	"github.com/sasha-s/go-deadlock"
)

func main() {
	deadlock.Opts.DeadlockTimeout = 200 * time.Millisecond
	deadlock.Opts.OnPotentialDeadlock = func() { panic("potential deadlock") }
	var mu deadlock.Mutex
	mu.Lock()
	mu.Lock() // culprit
}
