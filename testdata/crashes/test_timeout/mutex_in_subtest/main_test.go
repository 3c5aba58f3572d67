// A subtest takes a mutex that its parent still holds.
package main

import (
	"sync"
	"testing"
)

var mu sync.Mutex

func TestParent(t *testing.T) {
	mu.Lock()
	defer mu.Unlock()
	t.Run("child", func(t *testing.T) {
		mu.Lock() // culprit
		defer mu.Unlock()
	})
}
