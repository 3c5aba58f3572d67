package main

import (
	"os"
	"time"
)

var sink int

func spin() {
	for {
		sink++
	}
}

func main() {
	for i := 0; i < 2; i++ {
		go spin()
	}
	time.Sleep(50 * time.Millisecond)
	var m map[string]int
	if len(os.Args) > 0 {
		m["x"] = 1 // culprit: busy
	}
}
