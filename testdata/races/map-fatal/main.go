// Two goroutines keep writing a map: the race detector reports the race and the runtime's own check
// usually stops the program with "fatal error: concurrent map writes" in the same output.
package main

import "sync"

func main() {
	m := map[int]int{}
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 1000000; i++ {
				m[i%64] = g // race: map
			}
		}(g)
	}
	wg.Wait()
}
