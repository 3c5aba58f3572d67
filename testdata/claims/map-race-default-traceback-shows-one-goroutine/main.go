// Claim: from Go 1.26 a map race ("fatal error: concurrent map writes") prints only the goroutine that
// detected it under the default GOTRACEBACK=single, so the other writer is not shown; GOTRACEBACK=all
// shows every goroutine. Go 1.25 and older printed every goroutine for it (checked by running 1.24.13 and
// 1.25.14: three goroutines).
//
// go: >=1.26
// expect: exit=2 stderr~="^fatal error: concurrent map writes$" goroutines=1
// expect: env:GOTRACEBACK=all exit=2 stderr~="^fatal error: concurrent map writes$" goroutines>=3
package main

import "sync"

func main() {
	m := map[int]int{}
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				m[i%64] = i
			}
		}()
	}
	wg.Wait() // main is blocked here: with GOTRACEBACK=all it is the third goroutine printed
}
