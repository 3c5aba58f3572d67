package cache

import (
	"sync"
	"testing"
)

func TestCacheConcurrent(t *testing.T) { // race-test: cache
	c := New()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.Put("a", "1")
	}()
	c.Get("a")
	wg.Wait()
}

func TestCacheSequential(t *testing.T) {
	c := New()
	c.Put("a", "1")
	if v, _ := c.Get("a"); v != "1" {
		t.Fatalf("Get(a) = %q, want 1", v)
	}
}
