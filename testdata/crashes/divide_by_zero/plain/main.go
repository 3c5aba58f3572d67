// Average of an empty list divides by zero.
package main

import "fmt"

func average(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total / len(xs) // culprit
}

func main() {
	fmt.Println(average(nil))
}
