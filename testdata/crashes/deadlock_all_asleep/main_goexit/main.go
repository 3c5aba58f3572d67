// main calls runtime.Goexit; once every other goroutine has finished, the
// runtime reports that no goroutines are left.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	go func() {
		fmt.Println("background work done")
	}()
	runtime.Goexit() // culprit
}
