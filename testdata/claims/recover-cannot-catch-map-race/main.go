// Claim: concurrent writes to a map are a fatal error; a deferred recover() in the writing goroutines does
// not stop the program.
//
// expect: exit=2 stderr~="^fatal error: concurrent map writes$" stdout!~="recovered" stderr!~="^panic:"
package main

import (
	"fmt"
	"sync"
)

func main() {
	m := map[int]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					fmt.Println("recovered:", r)
				}
			}()
			for i := 0; ; i++ {
				m[i%64] = i
			}
		}()
	}
	wg.Wait()
}
