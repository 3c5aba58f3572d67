// Reading through a made-up pointer faults at an address that is not nil.
package main

import (
	"fmt"
	"unsafe"
)

type header struct {
	magic uint32
	size  uint32
}

func parse(addr uintptr) uint32 {
	h := (*header)(unsafe.Pointer(addr))
	return h.size // culprit
}

func main() {
	fmt.Println(parse(0xdead0000))
}
