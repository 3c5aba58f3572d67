//go:build go1.22

// A //go:build go1.22 line raises this file's language version above go.mod's go 1.21 (the compiler takes the
// version a file's constraint implies), so its loops have one variable per iteration.
package loopvar

import (
	"fmt"
	"sync"
)

func NegFileBuiltAtGo122() {
	var wg sync.WaitGroup
	for _, host := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println("host", host)
		}()
	}
	wg.Wait()
}
