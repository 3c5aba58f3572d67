// Measures whether unreferenced tickers are garbage collected: run by scripts/toolchain-timers.sh with each
// go line and toolchain (time-tick-leak's docs quote the figures). Timer channels have capacity 1 with the old
// timers (asynctimerchan=1) and 0 with the new ones.
package main

import (
	"fmt"
	"runtime"
	"time"
)

func main() {
	fmt.Println("timer chan cap:", cap(time.NewTimer(time.Hour).C))
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < 200000; i++ {
		_ = time.Tick(time.Hour) // never stopped, never referenced
	}
	runtime.GC()
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	fmt.Printf("heap growth after 200000 unreferenced time.Tick: %d KB\n", (int64(after.HeapAlloc)-int64(before.HeapAlloc))/1024)
}
