package rwmutexupgrade

import (
	"sync"
	"time"
)

// A second read lock reached through an interface method of another type that wraps the same value.

type lengther interface {
	length() int
}

type table struct {
	mu   sync.RWMutex
	rows []int
	view *tableView
}

type tableView struct {
	src lengther
}

func (v *tableView) rowCount() int {
	return v.src.length()
}

func (t *table) length() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.rows)
}

func (t *table) truncate() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows = nil
}

func (t *table) summarize() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	go t.truncate()
	time.Sleep(10 * time.Millisecond) // the writer queues behind this read lock
	return t.view.rowCount() // want "rwmutex-upgrade: this call reaches t.mu.RLock\(\) at line \d+ \(in rowCount -> length\), a second read lock"
}

func PosRecursiveReadThroughInterface() {
	t := &table{}
	t.view = &tableView{src: t}
	_ = t.summarize()
}

// A sync.Cond made on the read side of an RWMutex: c.L.Lock() is a read lock of that mutex.

type config struct {
	mu      sync.RWMutex
	changed *sync.Cond
	version int
}

func newConfig() *config {
	c := &config{}
	c.changed = sync.NewCond(c.mu.RLocker())
	return c
}

func (c *config) current() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.version
}

func (c *config) bump() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version++
}

func (c *config) waitAndRead() int {
	c.changed.L.Lock()
	defer c.changed.L.Unlock()
	go c.bump()
	time.Sleep(10 * time.Millisecond) // the writer queues behind this read lock
	return c.current() // want "rwmutex-upgrade: this call reaches c.mu.RLock\(\) at line \d+ \(in current\), a second read lock"
}

func PosRecursiveReadThroughCondLocker() {
	_ = newConfig().waitAndRead()
}

func (c *config) readAfterRelease() int {
	c.changed.L.Lock()
	v := c.version
	c.changed.L.Unlock()
	return v + c.current()
}

func NegCondLockerReleasedBeforeTheCall() {
	_ = newConfig().readAfterRelease()
}
