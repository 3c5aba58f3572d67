package rwmutexupgrade

import (
	"fmt"
	"sync"
	"time"
)

// Read locks taken again, or upgraded, further down a call chain.

type registry struct {
	mu    sync.RWMutex
	names map[string]int
}

func (r *registry) count() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.names)
}

func (r *registry) String() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return fmt.Sprint(len(r.names))
}

func (r *registry) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names = map[string]int{}
}

// writerArrives starts a writer and gives it time to queue behind the read lock the caller holds.
func writerArrives(r *registry) {
	go r.reset()
	time.Sleep(10 * time.Millisecond)
}

func (r *registry) lookupWithWriter(k string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	writerArrives(r)
	if n := r.count(); n == 0 { // want "rwmutex-upgrade: .*a second read lock"
		return 0
	}
	return r.names[k]
}

func PosRecursiveReadThroughMethod() {
	r := &registry{names: map[string]int{}}
	r.lookupWithWriter("a")
}

func (r *registry) describe() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	writerArrives(r)
	return fmt.Sprintf("registry %v", r) // want "rwmutex-upgrade: .*\(in String\)"
}

func PosRecursiveReadThroughStringer() {
	r := &registry{names: map[string]int{}}
	_ = r.describe()
}

func (r *registry) lookupOrReset(k string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.names[k]
	if !ok {
		r.reset() // want "rwmutex-upgrade: .*Lock waits for all readers"
	}
	return v
}

func PosUpgradeThroughMethod() {
	r := &registry{names: map[string]int{}}
	r.lookupOrReset("a")
}

func (r *registry) lookupThenCount(k string) (int, int) {
	r.mu.RLock()
	v := r.names[k]
	r.mu.RUnlock()
	return v, r.count()
}

func NegReleasedBeforeTheCall() {
	r := &registry{names: map[string]int{}}
	writerArrives(r)
	r.lookupThenCount("a")
}
