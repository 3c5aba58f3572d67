// The consumer closes the channel when it has had enough; the producer keeps sending.
package main

import "sync"

func produce(out chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; ; i++ {
		out <- i // culprit
	}
}

func main() {
	out := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go produce(out, &wg)
	for v := range out {
		if v == 3 {
			close(out)
			break
		}
	}
	wg.Wait()
}
