// The first access happens long before the second, so the race detector's per-goroutine history no longer
// holds its stack and it prints "[failed to restore the stack]" for the previous access.
package main

import (
	"fmt"
	"time"
)

var (
	flag int
	buf  [4096]int
)

//go:noinline
func work(i int) {
	buf[i%len(buf)] = i
}

func main() {
	go func() {
		flag = 1 // race: lost
		for i := 0; i < 5000000; i++ {
			work(i)
		}
	}()
	// Sleeping does not order anything for the race detector: the read below still races with the write.
	time.Sleep(1500 * time.Millisecond)
	fmt.Println(flag) // race: lost
}
