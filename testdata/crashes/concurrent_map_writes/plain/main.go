// Two goroutines write the same map with no lock until the runtime notices.
package main

func main() {
	counts := make(map[int]int)
	go func() {
		for i := 0; ; i++ {
			counts[i%64] = i // culprit
		}
	}()
	for i := 0; ; i++ {
		counts[i%64] = -i // culprit
	}
}
