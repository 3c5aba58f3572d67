package crashy

import (
	"sync"
	"testing"
)

func TestBackground(t *testing.T) {
	var seen map[string]int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		Record(seen, "x")
	}()
	wg.Wait()
}
