package main

import "sync"

type put struct{ key, value string }

// owner is the only goroutine that touches items; others talk to it over channels.
func owner(puts <-chan put, gets <-chan chan map[string]string) {
	items := map[string]string{}
	for {
		select {
		case p, ok := <-puts:
			if !ok {
				return
			}
			items[p.key] = p.value
		case reply := <-gets:
			snapshot := make(map[string]string, len(items))
			for k, v := range items {
				snapshot[k] = v
			}
			reply <- snapshot
		}
	}
}

func main() {
	puts := make(chan put)
	gets := make(chan chan map[string]string)
	go owner(puts, gets)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); puts <- put{"a", "1"} }()
		go func() {
			defer wg.Done()
			reply := make(chan map[string]string)
			gets <- reply
			_ = (<-reply)["a"]
		}()
	}
	wg.Wait()
	close(puts)
}
