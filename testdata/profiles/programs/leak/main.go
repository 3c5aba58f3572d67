// min-go: 1.27
// Writes Go 1.27's goroutineleak profile (protobuf, debug=1, debug=2) and a labelled goroutine dump of a program
// whose leaks are known by construction. fetchFirst starts one sender per replica and returns after the first
// answer: the other senders block forever on a channel nothing else can reach, which the garbage collector proves
// (`// leak`). The pool workers wait on a channel a global still holds, so they are parked, not leaked
// (`// parked`). Every goroutine carries pprof labels, which Go 1.27 prints in traceback headers.
// The channel is passed to the senders as an argument: Go 1.27.3 did not report senders whose closure
// captured the channel (`go func() { answers <- r }()`) as leaked in our runs.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// jobs stays reachable from a global, so workers blocked on it are never reported as leaked.
var jobs = make(chan int)

func worker() {
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("pool", "jobs")))
	for j := range jobs { // parked
		_ = j
	}
}

func fetchFirst(replicas int) int {
	answers := make(chan int) // unbuffered: only the first send is ever received
	for r := 0; r < replicas; r++ {
		go send(answers, r)
	}
	return <-answers
}

func send(answers chan<- int, replica int) {
	labels := pprof.Labels("replica", fmt.Sprint(replica), "route", "/api/items?page=2")
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), labels))
	answers <- replica // leak
}

func write(dir, name, profile string, debug int) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := pprof.Lookup(profile).WriteTo(f, debug); err != nil {
		panic(err)
	}
}

func main() {
	dir := os.Args[1]
	for w := 0; w < 4; w++ {
		go worker()
	}
	for i := 0; i < 3; i++ {
		fetchFirst(4)
	}
	// Let every sender reach its blocking send before the collector looks.
	for runtime.NumGoroutine() < 1+4+3*3 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond)
	write(dir, "goroutineleak.pb.gz", "goroutineleak", 0)
	write(dir, "goroutineleak.debug1.txt", "goroutineleak", 1)
	write(dir, "goroutineleak.debug2.txt", "goroutineleak", 2)
	write(dir, "goroutine-labels.debug2.txt", "goroutine", 2)
}
