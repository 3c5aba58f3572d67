// One goroutine reads a map while another writes it: a read/write race on a map.
package main

import (
	"fmt"
	"sync"
)

var sink int

func lookup(cache map[string]int) {
	sink = cache["a"] // race: map
}

func store(cache map[string]int) {
	cache["b"] = 2 // race: map
}

func main() {
	cache := map[string]int{"a": 1}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); lookup(cache) }()
	go func() { defer wg.Done(); store(cache) }()
	wg.Wait()
	fmt.Println(len(cache))
}
