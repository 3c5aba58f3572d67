// RUnlock is called twice for one RLock; the deferred call is the one that fails.
// A deferred call runs as the function returns, so tracebacks without wrapper
// frames show the closing brace; both lines are marked.
package main

import "sync"

var mu sync.RWMutex

func read() {
	mu.RLock()
	defer mu.RUnlock() // culprit
	mu.RUnlock()
} // culprit

func main() {
	read()
}
