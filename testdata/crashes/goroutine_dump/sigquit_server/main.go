// A hung server: many goroutines stuck in different states. It prints "ready"
// once they are all parked; the recorder then sends SIGQUIT.
package main

import (
	"fmt"
	"net"
	"os"
	"sync"
	"time"
)

type Pool struct {
	mu    sync.Mutex
	conns []int
}

func (p *Pool) Get() int {
	p.mu.Lock() // culprit
	defer p.mu.Unlock()
	return len(p.conns)
}

func sender(out chan<- int) {
	out <- 1
}

func receiver(in <-chan int) {
	<-in
}

func selector(a, b <-chan int) {
	select {
	case <-a:
	case <-b:
	}
}

func waiter(wg *sync.WaitGroup) {
	wg.Wait()
}

func sleeper() {
	time.Sleep(time.Hour)
}

func acceptLoop(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func(c net.Conn) {
			buf := make([]byte, 1)
			c.Read(buf)
		}(c)
	}
}

func main() {
	pool := &Pool{}
	pool.mu.Lock()
	var started sync.WaitGroup
	for i := 0; i < 12; i++ {
		started.Add(1)
		go func() {
			started.Done()
			pool.Get()
		}()
	}
	out := make(chan int)
	in := make(chan int)
	for i := 0; i < 5; i++ {
		go sender(out)
		go receiver(in)
	}
	a, b := make(chan int), make(chan int)
	for i := 0; i < 3; i++ {
		go selector(a, b)
	}
	var never sync.WaitGroup
	never.Add(1)
	for i := 0; i < 2; i++ {
		go waiter(&never)
	}
	go sleeper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go acceptLoop(ln)
	conns := make([]net.Conn, 0, 2)
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			panic(err)
		}
		conns = append(conns, c)
	}
	started.Wait()
	time.Sleep(500 * time.Millisecond)
	fmt.Fprintln(os.Stderr, "ready")
	select {}
}
