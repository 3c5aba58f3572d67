// Unlock is called on an RWMutex that was only read-locked.
package main

import "sync"

func main() {
	var mu sync.RWMutex
	mu.RLock()
	mu.Unlock() // culprit
}
