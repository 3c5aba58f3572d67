// Writes a CPU profile and a heap profile of a program whose hot spots are known by construction:
// hotLoop burns about nine times the CPU of coldLoop; allocateHot retains far more memory than allocateCold.
package main

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

var sink uint64

func hotLoop(deadline time.Time) {
	for time.Now().Before(deadline) {
		for i := 0; i < 10000; i++ {
			sink += uint64(i) * 2654435761 // hot: cpu
		}
	}
}

func coldLoop(deadline time.Time) {
	for time.Now().Before(deadline) {
		for i := 0; i < 10000; i++ {
			sink ^= uint64(i)
		}
	}
}

var retained [][]byte

func allocateHot() {
	for i := 0; i < 64; i++ {
		retained = append(retained, make([]byte, 1<<20)) // hot: heap
	}
}

func allocateCold() {
	for i := 0; i < 4; i++ {
		retained = append(retained, make([]byte, 1<<16))
	}
}

func main() {
	dir := os.Args[1]
	cpu, err := os.Create(filepath.Join(dir, "cpu.pb.gz"))
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		panic(err)
	}
	start := time.Now()
	hotLoop(start.Add(1800 * time.Millisecond))
	coldLoop(time.Now().Add(200 * time.Millisecond))
	pprof.StopCPUProfile()
	cpu.Close()

	runtime.MemProfileRate = 4096
	allocateHot()
	allocateCold()
	runtime.GC()
	heap, err := os.Create(filepath.Join(dir, "heap.pb.gz"))
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup("heap").WriteTo(heap, 0); err != nil {
		panic(err)
	}
	heap.Close()
}
