// Claim: the runtime reports "all goroutines are asleep - deadlock!" only when no goroutine can ever run
// again: main blocked forever next to a goroutine that is sleeping is not reported until the sleeper
// has finished.
//
// expect: exit=2 stderr~="^sleeper done after \d+ms$[\s\S]*^fatal error: all goroutines are asleep - deadlock!$"
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	start := time.Now()
	go func() {
		time.Sleep(300 * time.Millisecond)
		fmt.Fprintf(os.Stderr, "sleeper done after %dms\n", time.Since(start).Milliseconds())
	}()
	select {} // blocks forever
}
