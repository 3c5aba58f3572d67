// A deferred function records timing into a map that was never made.
package main

import "time"

type Timer struct {
	spent map[string]time.Duration
}

func (t *Timer) run(name string, f func()) {
	start := time.Now()
	defer func() {
		t.spent[name] = time.Since(start) // culprit
	}()
	f()
}

func main() {
	var t Timer
	t.run("step", func() {})
}
