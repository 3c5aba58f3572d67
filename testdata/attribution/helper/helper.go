// Package helper starts its worker from a function that is not a test, so the creation stack must be walked
// up past it to find the test.
package helper

import "time"

var ticks int

func startWorker() {
	go worker()
}

func worker() {
	time.Sleep(20 * time.Millisecond)
	ticks = 1 // blame: TestStart
}
