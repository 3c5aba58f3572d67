// Two distinct races printed back to back: the reports are separated by two "==================" lines.
package main

import (
	"fmt"
	"sync"
)

var (
	hits  int
	names = map[int]string{}
)

func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		hits = 1       // race: hits
		names[1] = "a" // race: names
	}()
	go func() {
		defer wg.Done()
		hits = 2       // race: hits
		names[2] = "b" // race: names
	}()
	wg.Wait()
	fmt.Println(hits, len(names))
}
