// Package unlockmisuse holds cases for the unlock-misuse rule. Pos* crash (unlock of unlocked mutex) or block
// forever (the test binary's timeout dump shows the blocked line).
package unlockmisuse

import "sync"

func PosDeferLock() {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Lock() // want "unlock-misuse"
} // fires: the deferred Lock blocks here

func PosDoubleUnlock() {
	var mu sync.Mutex
	mu.Lock()
	mu.Unlock()
	mu.Unlock() // want "unlock-misuse"
}

func PosDeferredAndExplicitUnlock() {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	mu.Unlock() // want "unlock-misuse"
} // fires: open-coded defers run at the function's end

func PosDoubleLock() {
	var mu sync.Mutex
	mu.Lock()
	mu.Lock() // want "unlock-misuse"
}

type account struct {
	mu      sync.Mutex
	balance int
}

func (a *account) withdraw(n int) bool {
	a.mu.Lock() // want "unlock-misuse"
	if a.balance < n {
		return false
	}
	a.balance -= n
	a.mu.Unlock()
	return true
}

func PosReturnWithoutUnlock() {
	a := &account{}
	a.withdraw(1)
	a.withdraw(1)
}

func NegDeferUnlock() {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
}

func NegUnlockBeforeReturn() {
	a := &account{balance: 1}
	a.mu.Lock()
	if a.balance < 5 {
		a.mu.Unlock()
		return
	}
	a.mu.Unlock()
}

func NegRelock() {
	var mu sync.Mutex
	mu.Lock()
	mu.Unlock()
	mu.Lock()
	mu.Unlock()
}

func NegUnlockInBranches() {
	var mu sync.RWMutex
	mu.RLock()
	if cap(make(chan int)) == 0 {
		mu.RUnlock()
	} else {
		mu.RUnlock()
	}
}

type slot struct {
	mu    sync.Mutex
	ready bool
}

// acquire returns with s.mu held; the Unlock at the end of the loop body only serves the retry.
func (s *slot) acquire() {
	for {
		s.mu.Lock()
		if s.ready {
			return
		}
		s.ready = true
		s.mu.Unlock()
	}
}

func NegRetryLoopReturnsLocked() {
	s := &slot{}
	s.acquire()
	s.mu.Unlock()
}

func NegRelockForDeferredUnlock() {
	var mu sync.RWMutex
	mu.RLock()
	defer mu.RUnlock()
	mu.RUnlock()
	defer mu.RLock()
	mu.Lock()
	defer mu.Unlock()
}

func NegRLockerIsReentrant() {
	var rw sync.RWMutex
	rl := rw.RLocker()
	rl.Lock()
	rl.Lock()
	rl.Unlock()
	rl.Unlock()
}

type waitQueue struct {
	sync.Mutex
	items []int
}

// The deferred closure releases the lock on every return that comes before the explicit Unlock.
func (q *waitQueue) take() (int, bool) {
	unlocked := false
	q.Lock()
	defer func() {
		if !unlocked {
			q.Unlock()
		}
	}()
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	q.Unlock()
	unlocked = true
	return v, true
}

func NegDeferredClosureReleasesUnlessUnlocked() {
	q := &waitQueue{}
	q.take()
	q.items = []int{1}
	q.take()
}

type eventQueue struct {
	sync.Mutex
	events  []int
	waiting chan int
}

// wait unlocks early on its main path and records it; the deferred closure releases the lock on every return
// that happens before that.
func (q *eventQueue) wait(want int) (int, bool) {
	var unlocked bool
	q.Lock()
	defer func() {
		if !unlocked {
			q.Unlock()
		}
	}()
	for _, e := range q.events {
		if e == want {
			return e, true
		}
	}
	if q.waiting != nil {
		return 0, false
	}
	q.waiting = make(chan int, 1)
	q.Unlock()
	unlocked = true
	return 0, false
}

func NegConditionalUnlockInDeferredClosure() {
	q := &eventQueue{events: []int{1}}
	q.wait(1)
	q.wait(2)
	q.wait(3)
	q.Lock()
	q.Unlock()
}
