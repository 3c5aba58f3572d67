// A package-level variable written by two goroutines.
package main

import (
	"fmt"
	"sync"
)

var lastUser string

func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		lastUser = "alice" // race: global
	}()
	go func() {
		defer wg.Done()
		lastUser = "bob" // race: global
	}()
	wg.Wait()
	fmt.Println(lastUser)
}
