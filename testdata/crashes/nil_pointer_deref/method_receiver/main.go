// A method with a pointer receiver reads a field of a nil receiver.
package main

type Config struct {
	Retries int
}

type Client struct {
	cfg *Config
}

func (c *Client) retries() int {
	return c.cfg.Retries // culprit
}

func main() {
	c := &Client{}
	for i := 0; i < c.retries(); i++ {
	}
}
