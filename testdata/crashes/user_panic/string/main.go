// A switch with an impossible default panics with a string.
package main

import "fmt"

func describe(state int) string {
	switch state {
	case 0:
		return "idle"
	case 1:
		return "busy"
	default:
		panic(fmt.Sprintf("unknown state %d", state)) // culprit
	}
}

func main() {
	fmt.Println(describe(7))
}
