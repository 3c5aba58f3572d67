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
