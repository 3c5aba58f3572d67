// Package datarace holds cases for the data-race rule. Pos* cases are bugs and carry (or reach) a want marker on
// the line the rule must report; under -race each is reported as a DATA RACE at a marked line. Neg* cases are
// correct code and run clean under -race.
package datarace

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// A buffer that is reset under the lock and then ranged over without it.
type dispatcher struct {
	sync.RWMutex
	buffer []int
}

func (d *dispatcher) reset() {
	d.Lock()
	defer d.Unlock()
	d.buffer = d.buffer[:0]
}

func (d *dispatcher) dispatch() int {
	d.reset()
	n := 0
	for range d.buffer { // want "data-race: field dispatcher.buffer is read here with no lock, but 2 of its .* hold dispatcher.RWMutex"
		n++
	}
	return n
}

func PosFieldRangedWithoutLock() {
	d := &dispatcher{buffer: make([]int, 4)}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.dispatch()
		}()
	}
	wg.Wait()
}

// A counter whose other accesses hold mu; bump forgets it.
type tally struct {
	mu    sync.Mutex
	count int
}

func (t *tally) add() {
	t.mu.Lock()
	t.count++
	t.mu.Unlock()
}

func (t *tally) total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.count
}

func (t *tally) bump() {
	t.count++ // want "data-race: field tally.count is written here with no lock, but .* hold tally.mu"
}

func PosCounterWrittenWithoutLock() {
	t := &tally{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		t.add()
	}()
	go func() {
		defer wg.Done()
		t.bump()
	}()
	wg.Wait()
	_ = t.total()
}

// A write made while holding only the read lock: other readers hold it at the same time.
type registry struct {
	mu   sync.RWMutex
	hits int
	name string
}

func (r *registry) lookup() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	r.hits++ // want "data-race: field registry.hits is written here while holding only the read lock of registry.mu"
	return r.name
}

func (r *registry) reset() {
	r.mu.Lock()
	r.hits = 0
	r.mu.Unlock()
}

func PosWriteUnderReadLock() {
	r := &registry{name: "x"}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.lookup()
		}()
	}
	wg.Wait()
	r.reset()
}

// A package variable that one goroutine sets and a loop in another reads.
var reportInterval = 10

func pollLoop(done chan<- int) {
	done <- reportInterval // fires: the read side
}

func PosPackageVariableTwoGoroutines() {
	done := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		reportInterval = 3 // want "data-race: package variable reportInterval is written here with no lock by the goroutine started at line .* and read at line .*"
	}()
	go pollLoop(done)
	<-done
	wg.Wait()
}

// Negative cases.

type server struct {
	mu      sync.Mutex
	state   int
	name    string
	served  atomic.Int64
	workers int
}

func newServer(name string) *server {
	s := &server{}
	s.name = name
	s.workers = 2
	return s
}

func (s *server) setState(v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = v
}

func (s *server) getState() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// setStateLocked is called with s.mu held.
func (s *server) setStateLocked(v int) {
	s.state = v
}

func (s *server) reset() {
	s.mu.Lock()
	s.setStateLocked(0)
	s.mu.Unlock()
}

func (s *server) serve(wg *sync.WaitGroup) {
	defer wg.Done()
	s.served.Add(1)
	s.setState(s.getState() + 1)
	s.reset()
}

// Fields set by the constructor before any goroutine, a helper whose callers hold the lock, an atomic field.
func NegConstructorAndCallerLocked() {
	s := newServer("a")
	var wg sync.WaitGroup
	for i := 0; i < s.workers; i++ {
		wg.Add(1)
		go s.serve(&wg)
	}
	wg.Wait()
	_ = s.state + int(s.served.Load())
}

// Written once under the lock after the goroutine started; the goroutine checks it under the lock and uses it
// after unlocking: the check orders the use after the only write.
type watcher struct {
	target *int
}

var watcherMu sync.Mutex

func (w *watcher) loop(done chan<- int) {
	for {
		watcherMu.Lock()
		if w.target != nil {
			watcherMu.Unlock()
			done <- *w.target
			return
		}
		watcherMu.Unlock()
	}
}

func NegCheckThenUseWriteOnce() {
	w := &watcher{}
	done := make(chan int)
	go w.loop(done)
	v := 7
	watcherMu.Lock()
	w.target = &v
	watcherMu.Unlock()
	<-done
}

// A package variable written by a goroutine and read only after Wait.
var lastResult int

func NegPackageVariableReadAfterWait() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		lastResult = 42
	}()
	wg.Wait()
	_ = lastResult
}

// A package variable every goroutine touches under one lock.
var (
	visits   int
	visitsMu sync.Mutex
)

func visit() {
	visitsMu.Lock()
	visits++
	visitsMu.Unlock()
}

func NegPackageVariableUnderLock() {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			visit()
		}()
	}
	wg.Wait()
}

// Written under the write lock, read under the read lock.
type config struct {
	mu    sync.RWMutex
	value string
}

func (c *config) get() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.value
}

func (c *config) set(v string) {
	c.mu.Lock()
	c.value = v
	c.mu.Unlock()
}

func NegReadLockForReads() {
	c := &config{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		c.set("b")
	}()
	go func() {
		defer wg.Done()
		_ = c.get()
	}()
	wg.Wait()
}

// A goroutine reads the field and later writes it under the lock itself: no other goroutine writes it.
type framer struct {
	mu    sync.Mutex
	reset chan bool
}

func (f *framer) monitor(done chan<- struct{}) {
	reset := f.reset
	f.mu.Lock()
	close(reset)
	f.reset = nil
	f.mu.Unlock()
	close(done)
}

func (f *framer) closed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reset == nil
}

func NegReadBeforeOwnWrite() {
	f := &framer{reset: make(chan bool)}
	done := make(chan struct{})
	go f.monitor(done)
	<-done
	_ = f.closed()
}

// Every goroutine of the loop calls a method on the same provider, which fills a field lazily with no lock.
type provider struct {
	cached *int
}

func (p *provider) lazyGet() int {
	if p.cached == nil {
		v := 1
		p.cached = &v // want "data-race: field provider.cached is written here with no lock by every goroutine started in the loop"
	}
	return *p.cached
}

func PosLazyFieldFromLoopGoroutines() {
	p := &provider{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.lazyGet()
		}()
	}
	wg.Wait()
}

// The same method, called under a lock by each goroutine, or on each goroutine's own value.
type lazyValue struct {
	cached *int
}

func (l *lazyValue) fill() int {
	if l.cached == nil {
		v := 1
		l.cached = &v
	}
	return *l.cached
}

func NegLazyFieldLockedOrOwn() {
	shared := &lazyValue{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		own := &lazyValue{}
		wg.Add(2)
		go func() {
			defer wg.Done()
			mu.Lock()
			shared.fill()
			mu.Unlock()
		}()
		go func() {
			defer wg.Done()
			own.fill()
		}()
	}
	wg.Wait()
}

// The goroutine sets a named result and signals; the select gives up after a timeout and returns the result
// while the goroutine may still write it.
func runWithTimeout(work func() int, limit time.Duration) (code int, timedOut bool) {
	done := make(chan struct{}, 1)
	go func() {
		code = work() // want "data-race: code is written here by the goroutine started at line .*, which then signals on done; the select at line .* can stop waiting"
		done <- struct{}{}
	}()
	select {
	case <-time.After(limit):
		timedOut = true
	case <-done:
	}
	return // fires: the read of the named result
}

func PosResultWrittenAfterTimeout() {
	runWithTimeout(func() int {
		time.Sleep(50 * time.Millisecond)
		return 1
	}, time.Millisecond)
	time.Sleep(100 * time.Millisecond)
}

// The timeout path returns without reading what the goroutine writes; the other path waits for the signal.
func runOrGiveUp(work func() int, limit time.Duration) (int, bool) {
	done := make(chan struct{}, 1)
	var code int
	go func() {
		code = work()
		done <- struct{}{}
	}()
	select {
	case <-time.After(limit):
		return 0, true
	case <-done:
		return code, false
	}
}

func NegResultUnusedAfterTimeout() {
	runOrGiveUp(func() int {
		time.Sleep(20 * time.Millisecond)
		return 1
	}, time.Millisecond)
	runOrGiveUp(func() int { return 1 }, time.Second)
	time.Sleep(50 * time.Millisecond)
}

type handoff struct {
	mu      sync.Mutex
	waiting bool
	items   []int
	wake    chan struct{}
}

func (h *handoff) put(v int) {
	h.mu.Lock()
	h.items = append(h.items, v)
	if h.waiting {
		h.waiting = false
		h.mu.Unlock()
		h.wake <- struct{}{}
		return
	}
	h.mu.Unlock()
}

// The Unlock in the branch that returns does not release the lock on the path below it: waiting is written
// under the lock (a shape of grpc-go's controlBuffer.get).
func (h *handoff) get() int {
	for {
		h.mu.Lock()
		if len(h.items) > 0 {
			v := h.items[0]
			h.mu.Unlock()
			return v
		}
		h.waiting = true
		h.mu.Unlock()
		<-h.wake
	}
}

func NegUnlockInReturningBranch() {
	h := &handoff{wake: make(chan struct{})}
	done := make(chan int)
	go func() { done <- h.get() }()
	h.put(7)
	<-done
}

// The last total the caller recorded; only NegNamedResultShadowsPackageVariable's own goroutine sets it.
var lastTotal int

// The named result lastTotal shadows the package variable: each goroutine writes its own.
func sumOf(xs []int) (lastTotal int) {
	for _, x := range xs {
		lastTotal += x
	}
	return lastTotal
}

func NegNamedResultShadowsPackageVariable() {
	var wg sync.WaitGroup
	totals := make([]int, 4)
	for i := range totals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			totals[i] = sumOf([]int{i, i + 1})
		}()
	}
	wg.Wait()
	lastTotal = totals[0]
}

// Never set: the work it guards stays in the binary but never runs (a benchmark's sink).
var keepWork = false

var workTotal = 0

func burn(n int) {
	x := 0
	for i := 0; i < n; i++ {
		x += i
	}
	if keepWork {
		workTotal += x
	}
}

func NegWriteUnderFlagNeverSet() {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			burn(100)
		}()
	}
	wg.Wait()
}

// The cancel case wakes nobody up early: it waits for the goroutine's signal too, so every path to the read of
// got has received from done, which the goroutine closes after its write.
func takeOrCancel(work func() int, cancel <-chan struct{}) int {
	done := make(chan struct{})
	var got int
	go func() {
		got = work()
		close(done)
	}()
	select {
	case <-done:
	case <-cancel:
		<-done
	}
	return got
}

func NegCancelCaseWaitsForSignal() {
	cancel := make(chan struct{})
	close(cancel)
	takeOrCancel(func() int {
		time.Sleep(10 * time.Millisecond)
		return 1
	}, cancel)
	takeOrCancel(func() int { return 2 }, make(chan struct{}))
}

// The select may give up on the error after a timeout, but the function then waits until the goroutine has
// finished (its deferred close) before it reads result.
func attemptThenJoin(work func() (int, error), limit time.Duration) (int, bool) {
	errc := make(chan error, 1)
	finished := make(chan struct{})
	var result int
	go func() {
		defer close(finished)
		v, err := work()
		result = v
		if err != nil {
			errc <- err
		}
	}()
	late := false
	select {
	case <-errc:
		return 0, false
	case <-time.After(limit):
		late = true
	}
	<-finished
	return result, late
}

func NegJoinAfterTimeoutSelect() {
	attemptThenJoin(func() (int, error) {
		time.Sleep(20 * time.Millisecond)
		return 1, nil
	}, time.Millisecond)
	attemptThenJoin(func() (int, error) { return 0, errors.New("failed") }, time.Second)
}

// The list is changed under the lock taken right after a label that a goto jumps to: the label does not hide it.
var (
	sessionsMu sync.Mutex
	sessions   []int
)

func join(id int) {
	sessionsMu.Lock()
	sessions = append(sessions, id)
	sessionsMu.Unlock()
}

func serveSession(id int, expired <-chan time.Time) {
	for {
		select {
		case <-expired:
			goto done
		}
	}
done:
	sessionsMu.Lock()
	for i, s := range sessions {
		if s == id {
			sessions[i] = sessions[len(sessions)-1]
			sessions = sessions[:len(sessions)-1]
			break
		}
	}
	sessionsMu.Unlock()
}

func NegLockAfterLabel() {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			join(i)
		}()
		go func() {
			defer wg.Done()
			serveSession(i, time.After(time.Millisecond))
		}()
	}
	wg.Wait()
}

// The banner is set before the function that reads it is handed to the goroutine that calls it: the go statement
// orders the write before every read.
var banner string

func printBanner(read func() string, out chan<- string) { out <- read() }

func currentBanner() string { return banner }

func announce(out chan<- string) {
	banner = "ready"
	go printBanner(currentBanner, out)
}

func NegCallbackHandedOutAfterWrite() {
	out := make(chan string)
	go announce(out)
	<-out
}

// The threshold is read only once a flag says it is set, and only the loader sets the flag, after the write (it
// only ever clears it otherwise): the load that sees the flag orders the write before the read.
var (
	threshold   *int
	thresholdOn atomic.Bool
)

func loadThreshold(loaded chan<- struct{}, stop <-chan struct{}) {
	limit := 10
	threshold = &limit
	thresholdOn.Store(true)
	close(loaded)
	<-stop
	thresholdOn.Store(false)
}

func overThreshold(n int) bool {
	if thresholdOn.Load() {
		return n > *threshold
	}
	return false
}

func NegReadOnlyOnceFlagSet() {
	loaded := make(chan struct{})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			overThreshold(i)
		}()
	}
	go loadThreshold(loaded, stop)
	<-loaded
	wg.Wait()
	close(stop)
}
