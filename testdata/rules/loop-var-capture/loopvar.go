// Package loopvar holds cases for the loop-var-capture rule. Its own go.mod says go 1.21, so loops share one
// variable; under -race each Pos* is reported as a DATA RACE between the loop's update and the goroutine's read.
package loopvar

import (
	"fmt"
	"sync"
)

func PosThreeClauseLoop() {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ { // fires: the loop's i++ writes
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(i) // want "loop-var-capture"
		}()
	}
	wg.Wait()
}

func PosRangeLoop() {
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b", "c"} { // fires: range assigns name
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(name) // want "loop-var-capture"
		}()
	}
	wg.Wait()
}

func NegCopied() {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		i := i
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(i)
		}()
	}
	wg.Wait()
}

func NegArgument() {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			fmt.Println(n)
		}(i)
	}
	wg.Wait()
}
