// Writes mutex, block and goroutine profiles of a program whose contention is known by construction:
// the lock in hotPath is held long and wanted by many goroutines; coldPath's lock barely contends.
// The line marked `// hot: mutex` releases the contended lock (the mutex profile blames the Unlock);
// `// hot: block` is where goroutines block on it; `// hot: goroutine` is where most goroutines wait.
// With a second argument `sigquit` it raises SIGQUIT on itself instead of writing profiles, so the runtime
// prints the goroutine dump `kill -QUIT` gives (on standard error) and exits.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"
)

type Cache struct {
	mu    sync.Mutex
	items map[string]int
}

func (c *Cache) hotPath(key string) {
	c.mu.Lock() // hot: block
	c.items[key]++
	time.Sleep(200 * time.Microsecond) // held long: everyone else queues
	c.mu.Unlock() // hot: mutex
}

type Stats struct {
	mu sync.Mutex
	n  int
}

func (s *Stats) coldPath() {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
}

func waitForever(release chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	<-release // hot: goroutine
}

func write(dir, name string, debug int) {
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	profileName := name[:len(name)-len(filepath.Ext(name))]
	if debug == 0 {
		profileName = profileName[:len(profileName)-len(".pb")]
		if err := pprof.Lookup(profileName).WriteTo(f, 0); err != nil {
			panic(err)
		}
		return
	}
	profileName = profileName[:len(profileName)-len(fmt.Sprintf(".debug%d", debug))]
	if err := pprof.Lookup(profileName).WriteTo(f, debug); err != nil {
		panic(err)
	}
}

func main() {
	dir := os.Args[1]
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)

	cache := &Cache{items: map[string]int{}}
	stats := &Stats{}
	var work sync.WaitGroup
	for g := 0; g < 16; g++ {
		work.Add(1)
		go func(g int) {
			defer work.Done()
			for i := 0; i < 100; i++ {
				cache.hotPath(fmt.Sprint(g))
				stats.coldPath()
			}
		}(g)
	}

	release := make(chan struct{})
	var waiters sync.WaitGroup
	for i := 0; i < 200; i++ {
		waiters.Add(1)
		go waitForever(release, &waiters)
	}
	work.Wait()
	runtime.Gosched()
	time.Sleep(50 * time.Millisecond)

	if len(os.Args) > 2 && os.Args[2] == "sigquit" {
		if err := syscall.Kill(os.Getpid(), syscall.SIGQUIT); err != nil {
			panic(err)
		}
		time.Sleep(10 * time.Second) // the runtime exits while printing the dump
		panic("SIGQUIT did not end the program")
	}

	// pprof writes gzipped protobuf itself for debug=0; the text forms are plain.
	write(dir, "mutex.pb.gz", 0)
	write(dir, "mutex.debug1.txt", 1)
	write(dir, "block.pb.gz", 0)
	write(dir, "block.debug1.txt", 1)
	write(dir, "goroutine.pb.gz", 0)
	write(dir, "goroutine.debug1.txt", 1)
	write(dir, "goroutine.debug2.txt", 2)
	close(release)
	waiters.Wait()
}
