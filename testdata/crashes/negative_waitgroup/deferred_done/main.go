// fetch calls Done itself for one id and then falls off its end, where the deferred Done runs a second time:
// the counter goes negative. Go reports the deferred call at the closing brace of fetch; only a traceback with
// wrapper frames (GOTRACEBACK=system on Go 1.21) shows the defer line: both lines are marked. `// released`
// marks the earlier Done.
package main

import "sync"

func fetch(wg *sync.WaitGroup, id int, results []int) {
	defer wg.Done() // culprit
	results[id] = id * id
	if id == 3 {
		wg.Done() // released
	}
} // culprit

func main() {
	var wg sync.WaitGroup
	results := make([]int, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		fetch(&wg, i, results)
	}
	wg.Wait()
}
