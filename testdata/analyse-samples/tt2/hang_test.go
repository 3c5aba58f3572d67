package tt2

import (
	"sync"
	"testing"
)

func waitForever(mu *sync.Mutex) {
	mu.Lock() // culprit: timeout
}

func TestOther(t *testing.T) {}

func TestHang(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	waitForever(&mu)
}
