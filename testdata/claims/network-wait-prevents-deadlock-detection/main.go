// Claim: a goroutine waiting for network I/O (here: Accept on a listener nobody dials) keeps the runtime
// from ever reporting a deadlock, even though main is blocked forever; so a server never reports
// "all goroutines are asleep". The program hangs until killed.
//
// timeout: 2s
// expect: timeout stderr!~="deadlock"
package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go func() {
		conn, err := ln.Accept()
		if err == nil {
			conn.Close()
		}
	}()
	var never chan struct{}
	<-never
}
