package unlockmisuse

import (
	"sync"
	"time"
)

// Locks taken again further down a call chain while the caller holds them.

type ledger struct {
	mu      sync.Mutex
	entries []int
	audit   *auditor
}

func (l *ledger) add(v int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, v)
	l.flush() // want "unlock-misuse: this call reaches l.mu.Lock\(\) at line \d+ \(in flush\)"
}

func (l *ledger) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = l.entries[:0]
}

func PosLockAgainThroughMethod() {
	l := &ledger{}
	l.add(1)
}

// auditor reaches the ledger's lock through a field of another type.
type auditor struct {
	owner *ledger
}

func (a *auditor) check() {
	count(a.owner)
}

func count(l *ledger) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

func (l *ledger) addChecked(v int) {
	l.mu.Lock()
	l.entries = append(l.entries, v)
	l.audit.check() // want "unlock-misuse: .*\(in check -> count\)"
	l.mu.Unlock()
}

func PosLockAgainThroughAnotherType() {
	l := &ledger{}
	l.audit = &auditor{owner: l}
	l.addChecked(1)
}

type gate struct {
	sync.Mutex
	open bool
}

func (g *gate) shut() error {
	g.Lock() // want "unlock-misuse"
	if !g.open {
		// forgot g.Unlock() here: a comment that names the call is not the call
		return nil
	}
	g.open = false
	g.Unlock()
	return nil
}

func PosReturnWithCommentMentioningUnlock() {
	g := &gate{}
	g.shut()
	g.shut()
}

// node locks its own mutex and then a child's: another instance of the same field (hand-over-hand).
type node struct {
	mu    sync.Mutex
	child *node
	value int
}

func (n *node) sum() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	total := n.value
	if n.child != nil {
		total += n.child.sum()
	}
	return total
}

func NegHandOverHandOnAnotherInstance() {
	n := &node{value: 1, child: &node{value: 2}}
	_ = n.sum()
}

func (l *ledger) addThenFlush(v int) {
	l.mu.Lock()
	l.entries = append(l.entries, v)
	l.mu.Unlock()
	l.flush()
}

func NegUnlockedBeforeTheCall() {
	l := &ledger{}
	l.addThenFlush(1)
}

func (l *ledger) addAsync(v int, wg *sync.WaitGroup) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, v)
	wg.Add(1)
	go func() {
		defer wg.Done()
		l.flush() // another goroutine: it waits for the unlock, then runs
	}()
}

func NegCallInAnotherGoroutine() {
	var wg sync.WaitGroup
	l := &ledger{}
	l.addAsync(1, &wg)
	wg.Wait()
}

// slowFlushLocked is called with l.mu held; it drops the lock around the slow part and takes it back.
func (l *ledger) slowFlushLocked() {
	l.mu.Unlock()
	time.Sleep(time.Millisecond)
	l.mu.Lock()
	l.entries = nil
}

func NegCalleeReleasesFirst() {
	l := &ledger{}
	l.mu.Lock()
	l.slowFlushLocked()
	l.mu.Unlock()
}

type catalogue struct {
	mu    sync.Mutex
	root  *int
	names []string
}

// findRoot takes the lock only when asked to create the root.
func (c *catalogue) findRoot(create bool) *int {
	if c.root != nil || !create {
		return c.root
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.root = new(int)
	return c.root
}

// refresh hands its own flag down: with stop set, nothing below locks.
func (c *catalogue) refresh(stop bool) {
	if !stop {
		c.findRoot(true)
	}
}

func (c *catalogue) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.findRoot(false)
	c.refresh(true)
	c.names = nil
}

func NegConstantArgumentSkipsTheLock() {
	c := &catalogue{}
	c.purge()
}

type store struct {
	mu      sync.RWMutex
	tx      []int
	pending int
}

func (s *store) begin() []int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return make([]int, 0, s.pending)
}

// commit starts the next transaction only when it does not stop; commit(true) never reaches begin.
func (s *store) commit(stop bool) {
	s.pending = 0
	if !stop {
		s.tx = s.begin()
	}
}

func (s *store) finish(stop bool) {
	s.commit(stop)
	if stop {
		return
	}
	s.pending++
}

func (s *store) rebuild() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finish(true) // the lock is held, and the constant true rules out the branch that locks again
	s.tx = nil
}

func NegConstantArgumentRulesOutTheLockingBranch() {
	s := &store{}
	s.commit(false)
	s.rebuild()
	s.commit(false)
}

// refresh locks only when asked to; a caller that already holds the lock passes false.
func (s *store) refresh(lock bool) {
	if lock {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	s.pending++
}

func (s *store) mkdir() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tx = append(s.tx, 0)
}

// root creates only when asked to: with create false it returns before mkdir.
func (s *store) root(create bool) int {
	if len(s.tx) > 0 {
		return s.tx[0]
	}
	if !create || s.pending < 0 {
		return -1
	}
	s.mkdir()
	return 0
}

func (s *store) purge() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh(false)
	if s.root(false) < 0 {
		s.tx = nil
	}
}

func NegLockOnlyWhenAskedOrBeforeAnEarlyReturn() {
	s := &store{}
	s.refresh(true)
	s.purge()
	s.root(true)
	s.purge()
}
