package config

import (
	"sync"
	"testing"
)

func TestReload(t *testing.T) { // race-test: ready
	c := &Config{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.Reload()
	}()
	t.Log("waiting for reload")
	_ = c.IsReady()
	t.Log("checked readiness")
	wg.Wait()
}

func TestRetries(t *testing.T) {
	t.Run("defaults", func(t *testing.T) { // race-test: retries
		c := &Config{}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Retries = 5 // race: retries
		}()
		c.Reload()
		wg.Wait()
	})
}
