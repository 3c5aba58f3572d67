package main

func compute() int { return 42 }

func run() int {
	result := make(chan int, 1)
	go func() {
		result <- compute() // the send happens before the receive completes
	}()
	return <-result
}

func main() {
	_ = run()
}
