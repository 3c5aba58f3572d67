// A map fault written to a crash file by debug.SetCrashOutput: Go writes the goroutines there but not the
// `fatal error:` line (golang/go#76859). One case per argument; the crash file is the second argument.
package main

import (
	"os"
	"runtime/debug"
)

func writeForever(m map[int]int) {
	for i := 0; ; i++ {
		m[i%64] = i // culprit: writes
	}
}

func readForever(m map[int]int) int {
	sum := 0
	for i := 0; ; i++ {
		sum += m[i%64] // culprit: readwrite
	}
}

func iterateForever(m map[int]int) int {
	sum := 0
	for {
		for k := range m { // culprit: iterate
			sum += k
		}
	}
}

func main() {
	f, err := os.Create(os.Args[2])
	if err != nil {
		panic(err)
	}
	if err := debug.SetCrashOutput(f, debug.CrashOptions{}); err != nil {
		panic(err)
	}
	m := map[int]int{}
	for i := 0; i < 64; i++ {
		m[i] = i
	}
	switch os.Args[1] {
	case "writes":
		go writeForever(m)
		writeForever(m)
	case "readwrite":
		go writeForever(m)
		readForever(m)
	case "iterate":
		go writeForever(m)
		iterateForever(m)
	}
}
