// A handler reads a shared feature-flag map while a background refresher writes it.
package main

import (
	"io/ioutil"
	"net/http"
	"net/http/httptest"
	"strconv"
)

var flags = map[string]bool{}

func flagHandler(w http.ResponseWriter, r *http.Request) {
	on := false
	for i := 0; i < 500; i++ {
		on = on != flags["flag"+strconv.Itoa(i%32)] // culprit
	}
	if on {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func refresh() {
	for i := 0; ; i++ {
		flags["flag"+strconv.Itoa(i%32)] = i%2 == 0 // culprit
	}
}

func main() {
	srv := httptest.NewServer(http.HandlerFunc(flagHandler))
	defer srv.Close()
	go refresh()
	for i := 0; i < 4; i++ {
		go func() {
			for {
				resp, err := http.Get(srv.URL + "/flags")
				if err != nil {
					continue
				}
				ioutil.ReadAll(resp.Body)
				resp.Body.Close()
			}
		}()
	}
	select {}
}
