package loopvar

import (
	"fmt"
	"sync"
)

// labels starts one goroutine per index and waits, in the same iteration, until that goroutine has read the
// index: the loop cannot advance the shared variable before the read.
func labels(n int) []string {
	var wg sync.WaitGroup
	var mu sync.Mutex
	out := make([]string, 0, n)
	taken := make(chan struct{})
	for k := 0; k < n; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			label := fmt.Sprintf("worker-%d", k)
			taken <- struct{}{}
			mu.Lock()
			out = append(out, label)
			mu.Unlock()
		}()
		<-taken
	}
	wg.Wait()
	return out
}

func NegReadBeforeHandshake() {
	_ = labels(3)
}
