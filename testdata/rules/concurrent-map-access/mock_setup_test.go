package concurrentmap

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// apiMock serves canned answers and counts the calls per path; its handlers are registered by a helper that
// only Setup calls, and Setup starts the server for a test that is its only, sequential client.
type apiMock struct {
	mux    *http.ServeMux
	server *httptest.Server
	calls  map[string]int
}

func (m *apiMock) setup(t *testing.T) {
	m.mux = http.NewServeMux()
	m.server = httptest.NewServer(m.mux)
	t.Cleanup(m.server.Close)
	m.setupHandlers()
}

func (m *apiMock) setupHandlers() {
	for _, path := range []string{"/nodes", "/tasks"} {
		m.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			m.calls[r.URL.Path]++
			if m.calls[r.URL.Path] > 1 {
				w.WriteHeader(http.StatusTooManyRequests)
			}
		})
	}
}

func TestMockCountsCallsOfOneClient(t *testing.T) {
	m := &apiMock{calls: map[string]int{}}
	m.setup(t)
	for _, path := range []string{"/nodes", "/tasks", "/nodes"} {
		resp, err := http.Get(m.server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if m.calls["/nodes"] != 2 {
		t.Fatalf("calls: %v", m.calls)
	}
}
