// Each job records its result in a deferred function that writes a shared map.
package main

var results = make(map[int]string)

func job(id int) {
	defer func() {
		results[id%32] = "done" // culprit
	}()
	_ = id * id
}

func main() {
	for w := 0; w < 3; w++ {
		go func(w int) {
			for i := w; ; i += 3 {
				job(i)
			}
		}(w)
	}
	select {}
}
