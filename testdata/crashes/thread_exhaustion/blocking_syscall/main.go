// Goroutines blocked in read(2) on pipes each hold an OS thread.
package main

import (
	"os"
	"runtime/debug"
	"syscall"
	"time"
)

func reader(f *os.File) {
	buf := make([]byte, 1)
	syscall.Read(int(f.Fd()), buf) // culprit
}

func main() {
	debug.SetMaxThreads(20)
	for i := 0; i < 100; i++ {
		r, _, err := os.Pipe()
		if err != nil {
			panic(err)
		}
		go reader(r)
	}
	time.Sleep(10 * time.Second)
}
