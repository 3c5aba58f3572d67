// Claim: reading a map while another goroutine writes it can be detected as the fatal error
// "concurrent map read and map write".
//
// expect: exit=2 stderr~="^fatal error: concurrent map read and map write$"
package main

import "sync"

var sink int

func main() {
	m := map[int]int{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			m[i%64] = i
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			sink += m[i%64]
		}
	}()
	wg.Wait()
}
