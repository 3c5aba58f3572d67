package unlockmisuse

import (
	"errors"
	"sync"
)

// Lock state along break, continue, loop back-edges and returns.

type pool struct {
	mu     sync.Mutex
	closed bool
	items  []int
}

func (p *pool) drain() {
	for {
		p.mu.Lock() // want "unlock-misuse: still held when the function returns through the break at line \d+"
		if p.closed {
			break
		}
		p.items = nil
		p.mu.Unlock()
		break
	}
}

func PosBreakLeavesLockHeld() {
	p := &pool{closed: true}
	p.drain()
	p.drain()
}

func (p *pool) fill(n int) {
	for i := 0; i < n; i++ {
		p.mu.Lock() // want "unlock-misuse: runs again on the next iteration with the lock still held: the continue"
		if i%2 == 0 {
			continue
		}
		p.items = append(p.items, i)
		p.mu.Unlock()
	}
}

func PosContinueSkipsUnlock() {
	p := &pool{}
	p.fill(2)
}

var errClosed = errors.New("closed")

type conn struct {
	mu     sync.RWMutex
	closed bool
}

func (c *conn) acquireRead() error {
	for i := 0; i < 3; i++ {
		c.mu.RLock() // want "unlock-misuse: not released on the return"
		if c.closed {
			return errClosed
		}
		c.mu.RUnlock()
	}
	return nil
}

func PosReturnInLoopThatNoCallerReleases() {
	c := &conn{closed: true}
	_ = c.acquireRead()
	c.mu.Lock() // fires: the writer waits for the read lock acquire kept
	c.mu.Unlock()
}

func (p *pool) take() int {
	for {
		p.mu.Lock()
		if len(p.items) > 0 {
			break
		}
		p.mu.Unlock()
	}
	v := p.items[0]
	p.items = p.items[1:]
	p.mu.Unlock()
	return v
}

func NegBreakThenUnlockAfterTheLoop() {
	p := &pool{items: []int{1}}
	_ = p.take()
}

func (p *pool) lockWhenOpen() {
	for {
		p.mu.Lock()
		if !p.closed {
			return // the caller releases the lock
		}
		p.mu.Unlock()
	}
}

func NegReturnInLoopReleasedByCaller() {
	p := &pool{}
	p.lockWhenOpen()
	p.items = nil
	p.mu.Unlock()
}

func deadReturn(mu *sync.Mutex) {
	mu.Lock()
	if false {
		return // dead code: never runs
	}
	mu.Unlock()
}

func NegReturnInDeadCode() {
	var mu sync.Mutex
	deadReturn(&mu)
	deadReturn(&mu)
}

type network struct {
	mu    sync.Mutex
	alive bool
}

// lockIfAlive returns with n.mu held when it succeeds and hands the Unlock to the caller.
func lockIfAlive(n *network) (unlock func(), ok bool) {
	n.mu.Lock()
	if n.alive {
		return n.mu.Unlock, true
	}
	n.mu.Unlock()
	return nil, false
}

func NegUnlockHandedToCaller() {
	n := &network{alive: true}
	if unlock, ok := lockIfAlive(n); ok {
		unlock()
	}
	if unlock, ok := lockIfAlive(n); ok {
		unlock()
	}
}

var serialiseScans = true

type flagScanner struct {
	mu    sync.Mutex
	found []int
}

// The lock is taken and released under the same unchanged condition; the break in between only leaves the
// inner loop.
func (s *flagScanner) scan(ids, want []int) {
	if serialiseScans {
		s.mu.Lock()
	}
	for _, id := range ids {
		for _, w := range want {
			if id == w {
				s.found = append(s.found, id)
				break
			}
		}
	}
	if serialiseScans {
		s.mu.Unlock()
	}
}

func NegLockAndUnlockUnderAPackageFlag() {
	s := &flagScanner{}
	s.scan([]int{1, 2}, []int{2})
	s.scan([]int{3}, []int{3})
}

type scanner struct {
	commsMu sync.Mutex
	pending int
	found   []int
}

// scan takes the lock only when serialise is set and releases it under the same condition, which nothing in
// between changes; the break leaves the inner loop, not the function.
func (s *scanner) scan(serialise bool, candidates, wanted []int) {
	if serialise {
		s.commsMu.Lock()
		if s.pending > 0 {
			s.commsMu.Unlock()
			return
		}
	}
	for _, c := range candidates {
		for _, w := range wanted {
			if c == w {
				s.found = append(s.found, c)
				break
			}
		}
	}
	if serialise {
		s.commsMu.Unlock()
	}
}

func NegLockAndUnlockUnderTheSameCondition() {
	for _, serialise := range []bool{true, false} {
		s := &scanner{}
		s.scan(serialise, []int{1, 2}, []int{2})
		s.scan(serialise, []int{1, 2}, []int{2})
		s.commsMu.Lock()
		s.commsMu.Unlock()
	}
}

type batcher struct {
	mu       sync.Mutex
	isolate  sync.Mutex
	pending  [][]int
	applied  int
	rejected int
}

// apply releases the isolation lock through a local closure on every early return.
func (b *batcher) apply() error {
	for _, batch := range b.pending {
		b.isolate.Lock()
		clearAndUnlock := func() {
			b.pending = nil
			b.isolate.Unlock()
		}
		for _, v := range batch {
			if v == 0 {
				continue
			}
			if v < 0 {
				clearAndUnlock()
				return errors.New("negative entry")
			}
			b.applied += v
		}
		b.isolate.Unlock()
	}
	return nil
}

// expireLocked is called with b.mu held; it lets the lock go while it works on each batch and takes it back
// before the next one and before returning, as its callers expect.
func (b *batcher) expireLocked() {
	for i := range b.pending {
		if b.pending[i] == nil {
			continue
		}
		b.mu.Unlock()
		if len(b.pending[i]) == 0 {
			b.mu.Lock()
			continue
		}
		b.mu.Lock()
		b.rejected++
	}
}

func NegUnlockThroughLocalClosureAndCallersLock() {
	b := &batcher{pending: [][]int{{1, 0, 2}, {-1}}}
	_ = b.apply()
	b.isolate.Lock()
	b.isolate.Unlock()
	b.pending = [][]int{nil, {}, {3}}
	b.mu.Lock()
	b.expireLocked()
	b.mu.Unlock()
}

type member struct {
	mu      sync.Mutex
	account string
}

type subscription struct {
	owner *member
	name  string
}

// names locks another member's mutex only when the subscription has another owner, and unlocks under the same
// condition on the same fields; the continue happens before either.
func (m *member) names(subs []*subscription, skip string) []string {
	var out []string
	for _, sub := range subs {
		if sub.name == skip {
			continue
		}
		account := m.account
		if sub.owner != nil && sub.owner != m {
			sub.owner.mu.Lock()
		}
		if sub.owner != nil {
			account = sub.owner.account
		}
		if sub.owner != nil && sub.owner != m {
			sub.owner.mu.Unlock()
		}
		out = append(out, account+"/"+sub.name)
	}
	return out
}

func NegSameConditionOnFields() {
	a, b := &member{account: "a"}, &member{account: "b"}
	subs := []*subscription{{owner: b, name: "x"}, {owner: a, name: "y"}, {name: "z"}}
	_ = a.names(subs, "z")
	b.mu.Lock()
	b.mu.Unlock()
}
