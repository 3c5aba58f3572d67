package concurrentmap

import "net/http"

// Store is the volume backend; production code plugs in a locking implementation from another package.
type Store interface{ Create(name string) }

type api struct{ store Store }

func (a *api) create(w http.ResponseWriter, r *http.Request) {
	a.store.Create(r.URL.Query().Get("name"))
}

func register(mux *http.ServeMux, a *api) {
	mux.HandleFunc("/create", a.create)
}
