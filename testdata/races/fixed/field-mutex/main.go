package main

import "sync"

type Config struct {
	mu    sync.Mutex // guards ready
	ready bool
}

func (c *Config) SetReady() {
	c.mu.Lock()
	c.ready = true
	c.mu.Unlock()
}

func (c *Config) IsReady() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ready
}

func main() {
	c := &Config{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); c.SetReady() }()
	_ = c.IsReady()
	wg.Wait()
}
