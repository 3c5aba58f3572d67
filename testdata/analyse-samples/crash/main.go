package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

var sink interface{}

type T struct{ x int }

func writer(m map[int]int, base int) {
	for i := 0; ; i++ {
		m[base+i%1000] = i // culprit: mapwrites
	}
}

func reader(m map[int]int) {
	for i := 0; ; i++ {
		_ = m[i%1000] // culprit: mapreadwrite
	}
}

func iterate(m map[int]int) {
	for {
		for k := range m { // culprit: mapiter
			_ = k
		}
	}
}

func recurse(n int) int {
	return recurse(n+1) + 1 // culprit: stack: the recursive call
}

func blockForever(ch chan int) {
	ch <- 1 // waiter: send
}

func main() {
	switch os.Args[1] {
	case "mapwrites":
		m := map[int]int{}
		go writer(m, 0)
		writer(m, 0)
	case "mapreadwrite":
		m := map[int]int{}
		go writer(m, 0)
		reader(m)
	case "mapiter":
		m := map[int]int{}
		for i := 0; i < 100; i++ {
			m[i] = i
		}
		go writer(m, 0)
		iterate(m)
	case "nilmap":
		var m map[string]int
		m["a"] = 1 // culprit: nilmap
	case "sendclosed":
		ch := make(chan int, 1)
		close(ch)
		ch <- 1 // culprit: sendclosed
	case "closeclosed":
		ch := make(chan int)
		close(ch)
		close(ch) // culprit: closeclosed
	case "closenil":
		var ch chan int
		close(ch) // culprit: closenil
	case "negwg":
		var wg sync.WaitGroup
		wg.Add(1)
		wg.Done()
		wg.Done() // culprit: negwg
	case "unlock":
		var mu sync.Mutex
		mu.Unlock() // culprit: unlock
	case "rwunlock":
		var mu sync.RWMutex
		mu.Unlock() // culprit: rwunlock
	case "runlock":
		var mu sync.RWMutex
		mu.RUnlock() // culprit: runlock
	case "deadlock":
		ch := make(chan int)
		var mu sync.Mutex
		mu.Lock()
		go func() { mu.Lock() }() // waiter: lock
		go blockForever(make(chan int))
		time.Sleep(10 * time.Millisecond)
		<-ch // culprit: deadlock
	case "nilptr":
		var p *T
		fmt.Println(p.x) // culprit: nilptr
	case "index":
		s := []int{1, 2, 3}
		i := len(os.Args) + 3
		fmt.Println(s[i]) // culprit: index
	case "slice":
		s := make([]int, 3)
		i := len(os.Args) + 3
		fmt.Println(s[:i]) // culprit: slice
	case "div":
		a, b := 1, len(os.Args)-2
		fmt.Println(a / b) // culprit: div
	case "typeassert":
		sink = "str"
		fmt.Println(sink.(int)) // culprit: typeassert
	case "stack":
		recurse(0)
	case "oom":
		var keep [][]byte
		for {
			keep = append(keep, make([]byte, 64<<20)) // culprit: oom
			keep[len(keep)-1][0] = 1
		}
	case "threads":
		debug.SetMaxThreads(10)
		for i := 0; i < 20; i++ {
			go func() {
				var ts syscall.Timespec
				ts.Sec = 5
				syscall.Nanosleep(&ts, nil) // culprit: threads
			}()
		}
		time.Sleep(5 * time.Second)
	case "userpanic":
		panic(fmt.Sprintf("bad state %d", 42)) // culprit: userpanic
	case "repanic":
		defer func() {
			r := recover()
			panic(fmt.Sprint("second: ", r))
		}()
		panic("first") // culprit: repanic
	case "repanicsame":
		defer func() {
			r := recover()
			panic(r)
		}()
		panic("same") // culprit: repanicsame
	case "fault":
		p := (*int)(unsafe.Pointer(uintptr(0xdeadbeef000)))
		fmt.Println(*p) // culprit: fault
	case "dump":
		ch := make(chan int)
		for i := 0; i < 5; i++ {
			go blockForever(ch)
		}
		var nilch chan int
		go func() { <-nilch }()
		go func() { select {} }()
		fmt.Println("ready")
		time.Sleep(time.Hour)
	case "goroutinepanic":
		done := make(chan int)
		for i := 0; i < 3; i++ {
			go blockForever(make(chan int))
		}
		go func() {
			var p *T
			p.x = 1 // culprit: goroutinepanic
		}()
		<-done
	}
}
