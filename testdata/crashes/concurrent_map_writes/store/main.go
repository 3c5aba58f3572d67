// A small session store behind an HTTP handler. Requests are served by a pool of
// workers; (*Store).Add writes the sessions map without taking s.mu, so two
// workers eventually write it at once. Many other goroutines are idle in
// different states (waiting for jobs, on the mutex, sleeping, on a WaitGroup),
// as in a real server at the moment of the crash.
package main

import (
	"fmt"
	"io/ioutil"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

type Session struct {
	ID      string
	User    string
	Created time.Time
}

type Store struct {
	mu       sync.Mutex
	sessions map[string]*Session
}

func NewStore() *Store {
	return &Store{sessions: make(map[string]*Session)}
}

// Add forgets to lock s.mu: the bug this example exists to show.
func (s *Store) Add(sess *Session) {
	s.sessions[sess.ID] = sess // culprit
}

func (s *Store) Get(id string) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[id]
}

type job struct {
	user string
	done chan string
}

func worker(s *Store, jobs <-chan job) {
	n := 0
	for j := range jobs {
		n++
		id := j.user + "-" + strconv.Itoa(n%500)
		s.Add(&Session{ID: id, User: j.user, Created: time.Now()})
		j.done <- id
	}
}

func loginHandler(jobs chan<- job) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		j := job{user: r.URL.Query().Get("user"), done: make(chan string, 1)}
		jobs <- j
		fmt.Fprintln(w, <-j.done)
	}
}

func client(url string) {
	for {
		resp, err := http.Get(url)
		if err != nil {
			continue
		}
		ioutil.ReadAll(resp.Body)
		resp.Body.Close()
	}
}

func janitor(s *Store, mu *sync.Mutex) {
	for {
		mu.Lock()
		time.Sleep(time.Hour)
		mu.Unlock()
	}
}

func main() {
	s := NewStore()
	jobs := make(chan job)
	for i := 0; i < 8; i++ {
		go worker(s, jobs)
	}
	var reportMu sync.Mutex
	for i := 0; i < 4; i++ {
		go janitor(s, &reportMu)
	}
	var shutdown sync.WaitGroup
	shutdown.Add(1)
	for i := 0; i < 3; i++ {
		go func() { shutdown.Wait() }()
	}
	srv := httptest.NewServer(loginHandler(jobs))
	defer srv.Close()
	for i := 0; i < 6; i++ {
		go client(srv.URL + "/login?user=u" + strconv.Itoa(i))
	}
	select {}
}
