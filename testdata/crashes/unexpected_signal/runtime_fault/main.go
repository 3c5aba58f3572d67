// A corrupted channel value makes the fault happen inside the runtime (while it
// holds a lock), where it cannot become a panic.
package main

import "unsafe"

type conn struct {
	closed chan struct{}
}

func (c *conn) Close() {
	close(c.closed) // culprit
}

// corrupt overwrites the channel pointer, as a memory-corrupting bug would.
//
//go:noinline
func corrupt(ch *chan struct{}) {
	*(*uintptr)(unsafe.Pointer(ch)) = 0xdead0000
}

func main() {
	c := &conn{closed: make(chan struct{})}
	corrupt(&c.closed)
	c.Close()
}
