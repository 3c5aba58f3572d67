// main waits for a result that no goroutine will ever send.
package main

import "fmt"

func compute(in []int, out chan<- int) {
	sum := 0
	for _, v := range in {
		sum += v
	}
	if sum > 100 {
		out <- sum
	}
}

func main() {
	out := make(chan int)
	go compute([]int{1, 2, 3}, out)
	fmt.Println(<-out) // culprit
}
