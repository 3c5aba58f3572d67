// An HTTP handler records hits in a package-level map without a lock; concurrent
// requests (served by httptest on a loopback port) race on it.
package main

import (
	"io/ioutil"
	"net/http"
	"net/http/httptest"
	"strconv"
)

var hits = map[string]int{}

func countHandler(w http.ResponseWriter, r *http.Request) {
	for i := 0; i < 200; i++ {
		hits[r.URL.Path+strconv.Itoa(i%8)] = i // culprit
	}
	w.WriteHeader(http.StatusNoContent)
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

func main() {
	srv := httptest.NewServer(http.HandlerFunc(countHandler))
	defer srv.Close()
	for i := 0; i < 8; i++ {
		go client(srv.URL + "/page" + strconv.Itoa(i%2))
	}
	select {}
}
