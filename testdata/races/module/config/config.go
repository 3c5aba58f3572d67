// Package config reloads settings in the background and publishes them through a plain field.
package config

type Config struct {
	Ready   bool
	Retries int
}

//go:noinline
func (c *Config) Reload() {
	c.Retries = 3  // race: retries
	c.Ready = true // race: ready
}

//go:noinline
func (c *Config) IsReady() bool {
	return c.Ready // race: ready
}
