// min-go: 1.21
// maps.Clone copies a map that another goroutine is writing.
package main

import "maps"

func main() {
	m := make(map[int]int)
	for i := 0; i < 1000; i++ {
		m[i] = i
	}
	go func() {
		for i := 0; ; i++ {
			m[i%1000] = i // culprit
		}
	}()
	for {
		c := maps.Clone(m) // culprit
		_ = c
	}
}
