package main

import (
	"os"
	"runtime/debug"
	"syscall"
	"time"
)

type Box[T any] struct{ v T }

//go:noinline
func (b *Box[T]) Get() T {
	panic("generic") // L14
}

//go:noinline
func F[T any](x T) {
	b := &Box[T]{x}
	b.Get() // L20
}

type V struct{ n int }

func (v V) Value() int { return v.n }

type Valuer interface{ Value() int }

//go:noinline
func valuer() Valuer {
	var p *V
	return p
}

func nilwrap() {
	i := valuer()
	i.Value() // L37
}

func threads() {
	debug.SetMaxThreads(5)
	for i := 0; i < 10; i++ {
		go func() {
			var ts syscall.Timespec = syscall.Timespec{Sec: 10}
			syscall.Nanosleep(&ts, nil) // L45
		}()
	}
	time.Sleep(5 * time.Second)
}

var sink [][]byte

func oom() {
	for {
		sink = append(sink, make([]byte, 64<<20)) // L55
	}
}

func main() {
	switch os.Args[1] {
	case "generic":
		F(1)
	case "nilwrap":
		nilwrap()
	case "threads":
		threads()
	case "oom":
		oom()
	}
}
