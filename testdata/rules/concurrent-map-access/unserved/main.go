// A command that registers HTTP handlers but never starts a server: net/http never calls them, and the program
// calls them itself, one at a time, so the map they reach is never written by two requests at once.
package main

import (
	"net/http"
	"net/http/httptest"
	"sync"
)

// Volumes is the storage behind the handlers; the only implementation in this program is an in-memory one.
type Volumes interface{ Create(name string) }

type router struct{ volumes Volumes }

func (rt *router) create(w http.ResponseWriter, r *http.Request) {
	rt.volumes.Create(r.URL.Query().Get("name"))
}

type memoryVolumes struct{ names map[string]bool }

func (m *memoryVolumes) Create(name string) { m.names[name] = true }

var created = map[string]int{}

func count(w http.ResponseWriter, r *http.Request) {
	created[r.URL.Path]++
}

func NegHandlersNeverServed() {
	rt := &router{volumes: &memoryVolumes{names: map[string]bool{}}}
	http.HandleFunc("/create", rt.create)
	http.HandleFunc("/count", count)
	for _, name := range []string{"a", "b"} {
		rt.create(httptest.NewRecorder(), httptest.NewRequest("POST", "/create?name="+name, nil))
		count(httptest.NewRecorder(), httptest.NewRequest("GET", "/count", nil))
	}
}

// The program's own goroutines still race on a map: only handlers depend on a server.
func PosWorkersOfACommand() {
	seen := make(map[int]bool)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen[i] = true // want "concurrent-map-access"
		}()
	}
	wg.Wait()
}

func main() { NegHandlersNeverServed() }
