// Claim: ranging over a map while another goroutine writes it can be detected as the fatal error
// "concurrent map iteration and map write".
//
// expect: exit=2 stderr~="^fatal error: concurrent map (iteration and map write|read and map write)$"
package main

import "sync"

var sink int

func main() {
	m := map[int]int{}
	for i := 0; i < 64; i++ {
		m[i] = i
	}
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
		for {
			for _, v := range m {
				sink += v
			}
		}
	}()
	wg.Wait()
}
