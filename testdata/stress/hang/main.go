// Hangs one run in ten, the way a flaky service does: the runs count themselves in the file named by
// $HANG_COUNTER, and every tenth run (3, 13, 23, ...) loses the reply main waits for. A heartbeat goroutine
// keeps a timer pending, so the runtime's deadlock check never fires: only a timeout and a goroutine dump
// (SIGQUIT) show where it is stuck. Without $HANG_COUNTER every run hangs.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func runNumber() int {
	path := os.Getenv("HANG_COUNTER")
	if path == "" {
		return 3
	}
	data, _ := os.ReadFile(path)
	n, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	n++
	if err := os.WriteFile(path, []byte(strconv.Itoa(n)), 0o644); err != nil {
		panic(err)
	}
	return n
}

func heartbeat() {
	for {
		time.Sleep(100 * time.Millisecond)
	}
}

func fetch(replies chan<- string, lose bool) {
	if lose {
		return // the bug: an early return that never sends the reply
	}
	replies <- "ok"
}

func main() {
	n := runNumber()
	go heartbeat()
	replies := make(chan string)
	go fetch(replies, n%10 == 3)
	reply := <-replies // hang
	fmt.Println("run", n, reply)
}
