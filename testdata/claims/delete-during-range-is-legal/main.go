// Claim: deleting map entries while ranging over the same map in the same goroutine is allowed by the Go
// spec ("If a map entry that has not yet been reached is removed during iteration, the corresponding
// iteration value will not be produced") and is not a data race.
//
// build: -race
// expect: exit=0 stdout~="^left=0$" stderr!~="DATA RACE"
package main

import "fmt"

func main() {
	m := map[int]string{}
	for i := 0; i < 1000; i++ {
		m[i] = "v"
	}
	for k := range m {
		delete(m, k)
	}
	fmt.Printf("left=%d\n", len(m))
}
