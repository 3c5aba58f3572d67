// A value is sent after the channel was closed.
package main

func main() {
	results := make(chan int, 1)
	close(results)
	results <- 1 // culprit
}
