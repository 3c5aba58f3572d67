// One goroutine reads a map while another writes it.
package main

func main() {
	prices := map[string]int{"apple": 1, "pear": 2}
	go func() {
		for i := 0; ; i++ {
			prices["apple"] = i // culprit
		}
	}()
	total := 0
	for {
		total += prices["pear"] // culprit
	}
}
