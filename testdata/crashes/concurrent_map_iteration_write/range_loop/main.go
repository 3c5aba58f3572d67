// A reporter ranges over a map while a writer updates it.
package main

func main() {
	scores := make(map[int]int)
	for i := 0; i < 64; i++ {
		scores[i] = i
	}
	go func() {
		for i := 0; ; i++ {
			scores[i%64] = i // culprit
		}
	}()
	sum := 0
	for {
		for _, v := range scores { // culprit
			sum += v
		}
	}
}
