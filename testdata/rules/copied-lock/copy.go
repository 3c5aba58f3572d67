// Package copiedlock holds cases for the copied-lock rule. `go vet -copylocks` reports the same lines.
package copiedlock

import (
	"fmt"
	"sync"
)

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c Counter) Value() int { // want "copied-lock"
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *Counter) Inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func report(c Counter) { // want "copied-lock"
	fmt.Println(c.n)
}

func PosParameter() {
	report(Counter{})
}

func PosAssignment() {
	var a Counter
	b := a // want "copied-lock"
	b.Inc()
}

func logCount(p *Counter) {
	copied := *p // want "copied-lock"
	fmt.Println(copied.n)
}

func PosDeref() {
	logCount(&Counter{})
}

func PosReceiver() {
	var c Counter
	fmt.Println(c.Value())
}

type registry struct {
	wg    sync.WaitGroup
	names []string
}

func snapshot(r *registry) registry {
	return *r // want "copied-lock"
}

func PosReturn() {
	fmt.Println(len(snapshot(&registry{}).names))
}

func PosRange() {
	counters := []Counter{{}, {}}
	for _, c := range counters { // want "copied-lock"
		fmt.Println(c.n)
	}
}

func NegPointers() {
	c := &Counter{}
	c.Inc()
	p := c
	p.Inc()
	for i := range 2 {
		_ = i
	}
}

func NegCompositeLiteral() {
	c := Counter{}
	c.Inc()
	r := &registry{}
	r.wg.Wait()
}

func NegRangeIndex() {
	counters := []Counter{{}, {}}
	for i := range counters {
		counters[i].Inc()
	}
}

type table struct {
	*Counter
	rows int
}

func (t table) Rows() int { return t.rows }

func NegEmbeddedPointer() {
	t := table{Counter: &Counter{}}
	fmt.Println(t.Rows())
}
