// Package concurrentmap holds cases for the concurrent-map-access rule. Under -race each Pos* is reported as a
// DATA RACE at the marked line (without -race the runtime may stop with a concurrent map fatal error).
package concurrentmap

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

func PosWriteInGoroutineReadInParent() {
	counts := map[string]int{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		counts["a"]++ // want "concurrent-map-access"
	}()
	_ = counts["a"]
	wg.Wait()
}

func PosWritesFromLoopGoroutines() {
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

var cache = map[string]string{}

func PosTwoGoroutinesRange() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		cache["k"] = "v" // want "concurrent-map-access"
	}()
	go func() {
		defer wg.Done()
		for range cache {
		}
	}()
	wg.Wait()
}

func PosAfterFunc() {
	state := map[string]int{}
	done := make(chan struct{})
	time.AfterFunc(time.Millisecond, func() {
		state["fired"] = 1 // want "concurrent-map-access"
		close(done)
	})
	time.Sleep(5 * time.Millisecond)
	_ = len(state) + state["fired"]
	<-done
}

func NegLocked() {
	var mu sync.Mutex
	m := map[int]int{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			m[i] = i
			mu.Unlock()
		}()
	}
	wg.Wait()
}

func NegReadAfterWait() {
	m := map[int]int{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		m[1] = 1
	}()
	wg.Wait()
	_ = m[1]
}

func NegWriteBeforeGo() {
	m := map[int]int{}
	m[1] = 1
	done := make(chan int)
	go func() {
		done <- m[1]
	}()
	<-done
}

func NegDeleteWhileRanging() {
	m := map[int]int{1: 1, 2: 2}
	for k := range m {
		delete(m, k)
	}
}

func NegSyncMap() {
	var m sync.Map
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		m.Store("a", 1)
	}()
	m.Load("a")
	wg.Wait()
}

func NegOwnMapPerGoroutine() {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := map[int]int{}
			local[i] = i
		}()
	}
	wg.Wait()
}

var (
	hits = map[string]int{}
	// inFlight holds two requests inside the handler at once, so the test always has overlapping requests.
	inFlight sync.WaitGroup
)

func countHit(w http.ResponseWriter, r *http.Request) {
	hits[r.URL.Path]++ // want "concurrent-map-access"
	inFlight.Done()
	inFlight.Wait()
	fmt.Fprintln(w, "ok")
}

func PosHandlerWritesSharedMap() {
	server := httptest.NewServer(http.HandlerFunc(countHit))
	defer server.Close()
	inFlight.Add(2)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := http.Get(server.URL + "/a"); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
}

var (
	visitsMu sync.Mutex
	visits   = map[string]int{}
)

func countVisit(w http.ResponseWriter, r *http.Request) {
	visitsMu.Lock()
	visits[r.URL.Path]++
	visitsMu.Unlock()
	fmt.Fprintln(w, "ok")
}

func NegHandlerWithLock() {
	server := httptest.NewServer(http.HandlerFunc(countVisit))
	defer server.Close()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := http.Get(server.URL + "/a"); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
}
