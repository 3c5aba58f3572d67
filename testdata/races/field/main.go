// A struct field written by one goroutine and read by another.
package main

import (
	"fmt"
	"sync"
)

type Server struct {
	name  string
	ready bool
}

//go:noinline
func (s *Server) start() {
	s.ready = true // race: field
}

//go:noinline
func (s *Server) isReady() bool {
	return s.ready // race: field
}

func main() {
	s := &Server{name: "api"}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.start()
	}()
	fmt.Println(s.isReady())
	wg.Wait()
}
