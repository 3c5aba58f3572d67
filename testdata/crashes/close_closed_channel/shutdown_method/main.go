// Stop is called twice and closes its quit channel both times.
package main

type Server struct {
	quit chan struct{}
}

func (s *Server) Stop() {
	close(s.quit) // culprit
}

func main() {
	s := &Server{quit: make(chan struct{})}
	defer s.Stop()
	s.Stop()
}
