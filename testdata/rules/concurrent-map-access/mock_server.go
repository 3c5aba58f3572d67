package concurrentmap

import (
	"net/http"
	"net/http/httptest"
)

// countRequests serves a mock whose only client is this function, one request after the other.
func countRequests(paths []string) map[string]int {
	hits := map[string]int{}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hits[r.URL.Path]++
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, p := range paths {
		resp, err := http.Get(srv.URL + p)
		if err == nil {
			resp.Body.Close()
		}
	}
	return hits
}

func NegSequentialClientOfATestServer() {
	_ = countRequests([]string{"/a", "/b", "/a"})
}
