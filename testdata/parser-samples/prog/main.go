package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

type T struct{ x int }

func nested() {
	defer func() {
		panic(errors.New("second\nline two")) // L21
	}()
	panic("first") // L23
}

func repanic() {
	defer func() {
		r := recover()
		panic(r) // L29
	}()
	panic("again") // L31
}

func multiline() {
	panic(errors.New("line1\nline2\n\nline4")) // L35
}

func nilderef() {
	var p *T
	p.x = 1 // L40
}

func deadlock() {
	var mu sync.Mutex
	mu.Lock()
	var nilch chan int
	ch := make(chan int)
	go func() { <-ch }()     // L48
	go func() { <-nilch }()  // L49
	go func() { select {} }() // L50
	go func() { mu.Lock() }() // L51
	go func() {               // L52
		runtime.LockOSThread()
		ch2 := make(chan int)
		ch2 <- 1 // L55
	}()
	var wg sync.WaitGroup
	wg.Add(1)
	wg.Wait() // L59
}

func recurse(n int) int {
	return recurse(n+1) + 1 // L63
}

func deep(n int) {
	if n == 0 {
		panic("deep") // L68
	}
	deep(n - 1) // L70
}

func sigquit() {
	ch := make(chan int)
	for i := 0; i < 3; i++ {
		go func() { <-ch }() // L76
	}
	time.Sleep(100 * time.Millisecond)
	syscall.Kill(os.Getpid(), syscall.SIGQUIT) // L79
	time.Sleep(5 * time.Second)
}

func child() {
	panic("in child") // L84
}

func parent(done chan bool) {
	go child() // L88
	<-done
}

func ancestors() {
	done := make(chan bool)
	go parent(done) // L94
	time.Sleep(5 * time.Second)
}

func fault() {
	p := (*int)(unsafe.Pointer(uintptr(0xdead0000)))
	fmt.Println(*p) // L100
}

func stackdump() {
	fmt.Println("before dump")
	os.Stdout.Write(debug.Stack()) // L105
	fmt.Println("between")
	pprof.Lookup("goroutine").WriteTo(os.Stdout, 2) // L107
	fmt.Println("after dump")
}

func labelled() {
	ch := make(chan int)
	pprof.Do(context.Background(), pprof.Labels("k", "v", "a b", "c\"d"), func(context.Context) {
		go func() { <-ch }() // L114
	})
	time.Sleep(100 * time.Millisecond)
	panic("labelled") // L117
}

func goexitp() {
	defer func() { panic("after goexit") }() // L121
	defer runtime.Goexit()                     // L122
	panic("before goexit")                     // L123
}

func mapwrites() {
	m := map[int]int{}
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; ; j++ {
				m[j%100] = j // L131
			}
		}()
	}
	time.Sleep(5 * time.Second)
}

func main() {
	switch os.Args[1] {
	case "nested":
		nested()
	case "repanic":
		repanic()
	case "multiline":
		multiline()
	case "nilderef":
		nilderef()
	case "deadlock":
		deadlock()
	case "overflow":
		recurse(0)
	case "deep":
		deep(150)
	case "sigquit":
		sigquit()
	case "ancestors":
		ancestors()
	case "fault":
		fault()
	case "stackdump":
		stackdump()
	case "labelled":
		labelled()
	case "goexit":
		goexitp()
	case "mapwrites":
		mapwrites()
	}
}
