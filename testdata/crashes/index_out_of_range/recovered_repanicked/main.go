// A deferred function recovers, logs and panics again with the same value. The bug is the index
// expression: the re-panic only passes the runtime error on, so that is the line to blame.
package main

import "fmt"

func handle() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
			panic(r)
		}
	}()
	var items []string
	fmt.Println(items[3]) // culprit
}

func main() {
	handle()
}
