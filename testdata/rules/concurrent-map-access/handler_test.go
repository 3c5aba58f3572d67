package concurrentmap

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// memStore is a test double: the test below calls the handler one request at a time.
type memStore struct{ names map[string]bool }

func (m *memStore) Create(name string) { m.names[name] = true }

func TestCreateTwice(t *testing.T) {
	a := &api{store: &memStore{names: map[string]bool{}}}
	register(http.NewServeMux(), a)
	for _, name := range []string{"a", "b"} {
		a.create(httptest.NewRecorder(), httptest.NewRequest("POST", "/create?name="+name, nil))
	}
}
