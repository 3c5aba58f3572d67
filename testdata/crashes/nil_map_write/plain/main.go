// A map declared with var is nil; writing it panics.
package main

import "fmt"

func main() {
	var totals map[string]int
	fmt.Println("counting")
	totals["orders"]++ // culprit
}
