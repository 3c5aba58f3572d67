package main

import (
	"sync"
	"sync/atomic"
)

type Config struct {
	ready atomic.Bool
	hits  atomic.Int64
}

func (c *Config) SetReady()     { c.ready.Store(true) }
func (c *Config) IsReady() bool { return c.ready.Load() }
func (c *Config) Hit()          { c.hits.Add(1) }

func main() {
	c := &Config{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); c.SetReady(); c.Hit() }()
	}
	_ = c.IsReady()
	wg.Wait()
}
