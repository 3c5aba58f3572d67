package unlockmisuse

import "sync"

// Locks taken again through a function value stored in a field, and through an interface method.

type scheduler struct {
	mu     sync.Mutex
	onTick func()
	ticks  int
}

func (s *scheduler) setOnTick(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onTick = f
}

func (s *scheduler) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ticks
}

func (s *scheduler) tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ticks++
	if s.onTick != nil {
		s.onTick() // want "unlock-misuse: this call reaches s.mu.Lock\(\) at line \d+ \(in func literal at line \d+ -> count\)"
	}
}

func PosLockAgainThroughCallbackField() {
	s := &scheduler{}
	s.setOnTick(func() { _ = s.count() })
	s.tick()
}

type sizer interface {
	size() int
}

type shelf struct {
	mu    sync.Mutex
	books []string
	total sizer
}

func (s *shelf) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.books)
}

type summary struct {
	src sizer
}

func (m *summary) report() int {
	return m.src.size()
}

type library struct {
	mu      sync.Mutex
	shelves []*shelf
	stats   *summary
}

func (l *library) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.shelves)
}

func (l *library) shelve(s *shelf) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.shelves = append(l.shelves, s)
	_ = l.stats.report() // want "unlock-misuse: this call reaches l.mu.Lock\(\) at line \d+ \(in report -> size\)"
}

func PosLockAgainThroughInterface() {
	l := &library{}
	l.stats = &summary{src: l}
	l.shelve(&shelf{})
}

// The interface value handed in is another shelf: its lock is not the caller's.
func (s *shelf) compare(other sizer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.books) == other.size()
}

func NegInterfaceCallOnAnotherValue() {
	a, b := &shelf{}, &shelf{}
	_ = a.compare(b)
}

// recorder's only implementation that locks is a test double in a _test.go file, never linked into this code.
type recorder interface {
	record(n int)
}

type nopRecorder struct{}

func (nopRecorder) record(int) {}

type meter struct {
	mu  sync.Mutex
	n   int
	out recorder
}

func (m *meter) observe() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n++
	m.out.record(m.n)
}

func NegInterfaceBoundToTestDouble() {
	m := &meter{out: nopRecorder{}}
	m.observe()
}
