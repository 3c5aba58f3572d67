// Asserting on a nil interface value.
package main

import "fmt"

type Event interface{}

func kind(e Event) string {
	return e.(string) // culprit
}

func main() {
	var e Event
	fmt.Println(kind(e))
}
