// Claim: a memory fault at an address that is not near nil is the fatal error "fault", printed after
// "unexpected fault address <addr>", and recover() does not stop it; with debug.SetPanicOnFault(true) the
// same fault becomes an ordinary panic that recover() catches.
//
// expect: exit=2 stderr~="^unexpected fault address 0xdeadbeef000$" stderr~="^fatal error: fault$" stderr~="^\[signal SIGSEGV: segmentation violation code=\S+ addr=0xdeadbeef000 pc=0x[0-9a-f]+\]$" stdout!~="recovered"
// expect: env:CLAIM_PANIC_ON_FAULT=1 exit=0 stdout~="^recovered: runtime error: invalid memory address or nil pointer dereference$"
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"unsafe"
)

var wild = uintptr(0xdeadbeef000)

func main() {
	if os.Getenv("CLAIM_PANIC_ON_FAULT") != "" {
		debug.SetPanicOnFault(true)
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	// Reinterpret the bits of wild as a pointer (go vet rejects the direct uintptr conversion).
	p := *(**int)(unsafe.Pointer(&wild))
	fmt.Println(*p)
}
