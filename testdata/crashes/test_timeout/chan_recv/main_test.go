// A test waits for a reply that never comes; go test -timeout 3s kills it.
package main

import "testing"

type server struct {
	replies chan string
}

func (s *server) call(req string) string {
	return <-s.replies // culprit
}

func TestCall(t *testing.T) {
	s := &server{replies: make(chan string)}
	if got := s.call("ping"); got != "pong" {
		t.Fatalf("got %q", got)
	}
}
