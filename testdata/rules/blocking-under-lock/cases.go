// Package blockingunderlock holds cases for the blocking-under-lock rule. Pos* cases deadlock: one goroutine
// blocks holding a lock that the only goroutine able to unblock it must take first; each hangs at the marked
// line. Neg* cases are correct code and run clean under -race.
package blockingunderlock

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// heldElsewhere returns once another goroutine holds mu, so each positive deadlocks the same way every run.
func heldElsewhere(mu *sync.Mutex) {
	for mu.TryLock() {
		mu.Unlock()
		runtime.Gosched()
	}
}

// A send while holding the lock; the only receiver takes the lock before it receives.

type feed struct {
	mu      sync.Mutex
	updates chan int
	last    int
}

func (f *feed) publish(v int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = v
	f.updates <- v // want "blocking-under-lock: this send on f.updates blocks .* holding f.mu .* consume locks it at line"
}

func (f *feed) consume() int {
	f.mu.Lock()
	last := f.last
	f.mu.Unlock()
	return last + <-f.updates
}

func PosSendWhileReceiverNeedsLock() {
	f := &feed{updates: make(chan int)}
	go f.publish(1)
	heldElsewhere(&f.mu)
	f.consume()
}

// A receive while holding the lock; the sender (even one that never blocks) takes the lock first.

type keeper struct {
	mu     sync.Mutex
	wake   chan struct{}
	active int
}

func (k *keeper) sleep() {
	k.mu.Lock()
	if k.active == 0 {
		<-k.wake // want "blocking-under-lock: this receive from k.wake waits .* holding k.mu"
	}
	k.mu.Unlock()
}

func (k *keeper) start() {
	k.mu.Lock()
	k.active++
	select {
	case k.wake <- struct{}{}:
	default:
	}
	k.mu.Unlock()
}

func PosReceiveWhileSenderNeedsLock() {
	k := &keeper{wake: make(chan struct{})}
	go k.sleep()
	heldElsewhere(&k.mu)
	k.start()
}

// The send is in a helper called with the lock held; the receiver loop takes the lock after each receive.

type statusCache struct {
	mu      sync.Mutex
	changes chan string
	status  map[string]string
}

func (c *statusCache) notify(name string) {
	c.changes <- name // fires
}

func (c *statusCache) set(name, s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status[name] = s
	c.notify(name) // want "blocking-under-lock: the call to notify reaches line \d+, where this send on c.changes .* again before its next one"
}

func (c *statusCache) syncOne() {
	name := <-c.changes
	time.Sleep(20 * time.Millisecond) // the next setter takes the lock meanwhile
	c.mu.Lock()
	delete(c.status, name)
	c.mu.Unlock()
}

func (c *statusCache) run(n int) {
	for i := 0; i < n; i++ {
		c.syncOne()
	}
}

func PosReceiverLocksAgainInLoop() {
	c := &statusCache{changes: make(chan string), status: map[string]string{}}
	go c.run(2)
	c.set("a", "up")
	c.set("b", "up")
}

// A local lock and a local channel shared with a closure.

func PosLocalLockAndChannel() {
	var mu sync.Mutex
	done := make(chan bool)
	handler := func() {
		mu.Lock()
		defer mu.Unlock()
		done <- true // want "blocking-under-lock: this send on done .* holding mu"
	}
	go handler()
	heldElsewhere(&mu)
	mu.Lock()
	mu.Unlock()
	<-done
}

// Waiting for a worker whose deferred close comes after it takes the lock.

type broadcaster struct {
	mu      sync.Mutex
	updates chan int
	done    chan struct{}
	count   int
}

func newBroadcaster() *broadcaster {
	b := &broadcaster{updates: make(chan int, 1), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for range b.updates {
			time.Sleep(20 * time.Millisecond) // closeAndWait takes the lock meanwhile
			b.mu.Lock()
			b.count++
			b.mu.Unlock()
		}
	}()
	return b
}

func (b *broadcaster) closeAndWait() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.updates)
	<-b.done // want "blocking-under-lock: this receive from b.done .* close\(b.done\)"
}

func PosWaitForWorkerThatNeedsLock() {
	b := newBroadcaster()
	b.updates <- 1
	b.closeAndWait()
}

// wg.Wait while holding the lock that the worker takes before its deferred Done runs.

type pool struct {
	mu   sync.Mutex
	wg   sync.WaitGroup
	jobs int
}

func (p *pool) work() {
	defer p.wg.Done()
	p.mu.Lock()
	p.jobs++
	p.mu.Unlock()
}

func (p *pool) drain() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wg.Wait() // want "blocking-under-lock: p.wg.Wait\(\) waits .* holding p.mu"
}

func PosWaitGroupDoneNeedsLock() {
	p := &pool{}
	p.wg.Add(1)
	go p.drain()
	heldElsewhere(&p.mu)
	p.work()
}

// A select without default whose every case needs a sender that takes the lock first.

type merger struct {
	mu   sync.Mutex
	a, b chan int
	seen int
}

func (m *merger) next() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen++
	select { // want "blocking-under-lock: this select \(no default case\) waits while holding m.mu"
	case v := <-m.a:
		return v
	case v := <-m.b:
		return v
	}
}

func (m *merger) pushA(v int) {
	m.mu.Lock()
	m.seen--
	m.mu.Unlock()
	m.a <- v
}

func (m *merger) pushB(v int) {
	m.mu.Lock()
	m.seen--
	m.mu.Unlock()
	m.b <- v
}

func PosSelectEveryCaseNeedsLock() {
	m := &merger{a: make(chan int), b: make(chan int)}
	go m.next()
	heldElsewhere(&m.mu)
	go m.pushB(2)
	m.pushA(1)
}

// cond.Wait releases only the Cond's own lock; the other lock it holds is the one the signaller takes first.

type queue struct {
	mu    sync.Mutex // guards the queue's users
	cmu   sync.Mutex // the Cond's lock
	ready *sync.Cond
	items []int
}

func newQueue() *queue {
	q := &queue{}
	q.ready = sync.NewCond(&q.cmu)
	return q
}

func (q *queue) get() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.cmu.Lock()
	for len(q.items) == 0 {
		q.ready.Wait() // want "blocking-under-lock: q.ready.Wait\(\) releases only the Cond's own lock .* holding q.mu"
	}
	v := q.items[0]
	q.items = q.items[1:]
	q.cmu.Unlock()
	return v
}

func (q *queue) put(v int) {
	q.mu.Lock()
	q.cmu.Lock()
	q.items = append(q.items, v)
	q.ready.Signal()
	q.cmu.Unlock()
	q.mu.Unlock()
}

func PosCondWaitHoldingAnotherLock() {
	q := newQueue()
	go q.get()
	heldElsewhere(&q.mu)
	q.put(1)
}

// Negatives.

// cond.Wait holding only the Cond's own lock: Wait releases it for the signaller.
type mailbox struct {
	mu      sync.Mutex
	arrived *sync.Cond
	n       int
}

func (m *mailbox) await() {
	m.mu.Lock()
	for m.n == 0 {
		m.arrived.Wait()
	}
	m.mu.Unlock()
}

func (m *mailbox) deliver() {
	m.mu.Lock()
	m.n++
	m.arrived.Signal()
	m.mu.Unlock()
}

func NegCondWaitOnItsOwnLock() {
	m := &mailbox{}
	m.arrived = sync.NewCond(&m.mu)
	done := make(chan struct{})
	go func() {
		m.await()
		close(done)
	}()
	m.deliver()
	<-done
}

// A buffer with room for the one send: the sender never waits for the receiver.
type bufferedFeed struct {
	mu      sync.Mutex
	updates chan int
	last    int
}

func (f *bufferedFeed) publishBuffered(v int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = v
	f.updates <- v
}

func (f *bufferedFeed) consumeBuffered() int {
	f.mu.Lock()
	last := f.last
	f.mu.Unlock()
	return last + <-f.updates
}

func NegBufferedForTheSend() {
	f := &bufferedFeed{updates: make(chan int, 1)}
	f.publishBuffered(1)
	f.consumeBuffered()
}

// A send in a select with default never blocks.
type tryFeed struct {
	mu      sync.Mutex
	updates chan int
	dropped int
}

func (f *tryFeed) offer(v int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case f.updates <- v:
	default:
		f.dropped++
	}
}

func (f *tryFeed) take() (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case v := <-f.updates:
		return v, true
	default:
		return 0, false
	}
}

func NegSelectWithDefault() {
	f := &tryFeed{updates: make(chan int)}
	f.offer(1)
	f.take()
}

// The select also waits on a stop channel closed by a goroutine that does not take the lock.
type stoppableFeed struct {
	mu      sync.Mutex
	updates chan int
	stop    chan struct{}
	sent    int
}

func (f *stoppableFeed) send(v int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case f.updates <- v:
		f.sent++
	case <-f.stop:
	}
}

func (f *stoppableFeed) receive() int {
	f.mu.Lock()
	sent := f.sent
	f.mu.Unlock()
	return sent + <-f.updates
}

func (f *stoppableFeed) shutdown() {
	close(f.stop)
}

func NegSelectWithStopCase() {
	f := &stoppableFeed{updates: make(chan int), stop: make(chan struct{})}
	go f.send(1)
	heldElsewhere(&f.mu)
	f.shutdown()
	f.mu.Lock()
	f.mu.Unlock()
}

// A select on ctx.Done(): cancelling needs no lock.
type ctxFeed struct {
	mu      sync.Mutex
	updates chan int
}

func (f *ctxFeed) sendCtx(ctx context.Context, v int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case f.updates <- v:
	case <-ctx.Done():
	}
}

func (f *ctxFeed) receiveCtx() int {
	f.mu.Lock()
	f.mu.Unlock()
	return <-f.updates
}

func NegSelectOnContext() {
	f := &ctxFeed{updates: make(chan int)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(10 * time.Millisecond)
		cancel()
	}()
	f.sendCtx(ctx, 1)
}

// The receiver takes the lock only after it has received, once: the sender lets go first.
type oneShot struct {
	mu    sync.Mutex
	value chan int
	got   int
}

func (o *oneShot) deliver(v int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.value <- v
}

func (o *oneShot) await(done chan<- struct{}) {
	v := <-o.value
	o.mu.Lock()
	o.got = v
	o.mu.Unlock()
	close(done)
}

func NegReceiverLocksAfterReceivingOnce() {
	o := &oneShot{value: make(chan int)}
	done := make(chan struct{})
	go o.await(done)
	o.deliver(1)
	<-done
}

// No counterpart needs the lock.
type lockFreeReceiver struct {
	mu      sync.Mutex
	updates chan int
	n       int
}

func (r *lockFreeReceiver) push(v int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	r.updates <- v
}

func (r *lockFreeReceiver) loop(count int) {
	for i := 0; i < count; i++ {
		<-r.updates
	}
}

func NegReceiverWithoutLock() {
	r := &lockFreeReceiver{updates: make(chan int)}
	go r.loop(2)
	r.push(1)
	r.push(2)
}

// The lock is released around the blocking send.
type releasing struct {
	mu      sync.Mutex
	updates chan int
	n       int
}

func (r *releasing) emit(v int) {
	r.mu.Lock()
	r.n++
	r.mu.Unlock()
	r.updates <- v
	r.mu.Lock()
	r.n--
	r.mu.Unlock()
}

func (r *releasing) collect() int {
	r.mu.Lock()
	n := r.n
	r.mu.Unlock()
	return n + <-r.updates
}

func NegLockReleasedBeforeSend() {
	r := &releasing{updates: make(chan int)}
	go r.emit(1)
	r.collect()
}

// Both sides only read-lock: readers do not exclude each other.
type readers struct {
	mu      sync.RWMutex
	updates chan int
	n       int
}

func (r *readers) publishRead(v int) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	r.updates <- v + r.n
}

func (r *readers) consumeRead() int {
	r.mu.RLock()
	n := r.n
	r.mu.RUnlock()
	return n + <-r.updates
}

func NegBothReadLocks() {
	r := &readers{updates: make(chan int)}
	go r.publishRead(1)
	r.consumeRead()
}

// The closer takes the lock before it starts the goroutine that waits under the lock, never after.
type waiter struct {
	mu   sync.Mutex
	stop chan struct{}
	n    int
}

func (w *waiter) wait(done chan<- struct{}) {
	w.mu.Lock()
	<-w.stop
	w.mu.Unlock()
	close(done)
}

func NegLockTakenBeforeGoroutineStarts() {
	w := &waiter{stop: make(chan struct{})}
	done := make(chan struct{})
	defer func() { <-done }()
	defer close(w.stop)
	w.mu.Lock()
	w.n = 1
	w.mu.Unlock()
	go w.wait(done)
}

// Add is made under the lock the waiter holds, but Done is not: a later round's Add (and lock) comes after this
// round's Done, which is all the Wait needs.
type supervisor struct {
	startMu sync.Mutex
	mu      sync.Mutex
	wg      sync.WaitGroup
	running bool
}

func (s *supervisor) tryStart() bool {
	s.startMu.Lock()
	defer s.startMu.Unlock()
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return false
	}
	s.running = true
	s.mu.Unlock()
	s.wg.Add(1)
	return true
}

func (s *supervisor) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		s.wg.Done()
		s.running = false
	}
}

func (s *supervisor) stopAll() {
	s.startMu.Lock()
	defer s.startMu.Unlock()
	s.wg.Wait()
}

func (s *supervisor) supervise(rounds int) {
	for i := 0; i < rounds; i++ {
		if s.tryStart() {
			s.clear()
		}
	}
}

func NegWaitGroupDoneInNextRound() {
	s := &supervisor{}
	s.supervise(3)
	s.stopAll()
}

// The lock is taken before Add: by the time Close waits, every counted writer is past it.
type writerAt struct {
	closeMu sync.Mutex
	closed  bool
	wg      sync.WaitGroup
	written int64
}

func (w *writerAt) writeAt(n int64) bool {
	w.closeMu.Lock()
	if w.closed {
		w.closeMu.Unlock()
		return false
	}
	w.wg.Add(1)
	w.closeMu.Unlock()
	defer w.wg.Done()
	time.Sleep(time.Millisecond)
	atomic.AddInt64(&w.written, n)
	return true
}

func (w *writerAt) closeWriter() {
	w.closeMu.Lock()
	defer w.closeMu.Unlock()
	w.closed = true
	w.wg.Wait()
}

func NegLockTakenBeforeAdd() {
	w := &writerAt{}
	done := make(chan bool)
	go func() { done <- w.writeAt(1) }()
	time.Sleep(time.Millisecond)
	w.closeWriter()
	<-done
}

// A goroutine started while the lock is held releases it (a sync.Mutex belongs to no goroutine): the workers
// that lock it get it once the releaser runs, so Wait is not waiting behind its own lock.
func NegLockReleasedByStartedGoroutine() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	mu.Lock()
	go func() {
		time.Sleep(time.Millisecond)
		mu.Unlock()
	}()
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			mu.Unlock()
		}()
	}
	wg.Wait()
}

// A ticket filled at most once: fill marks it filled, puts the value in the buffer and closes the channel in one
// critical section, so take, holding the same lock, receives only when filled says all of that already happened.
type ticket struct {
	mu     sync.Mutex
	filled bool
	value  chan int
}

func (t *ticket) fill(v int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.filled {
		return false
	}
	t.filled = true
	t.value <- v
	close(t.value)
	return true
}

func (t *ticket) take() int {
	t.mu.Lock()
	got := -1
	if t.filled {
		if v, ok := <-t.value; ok {
			got = v
		}
	} else {
		close(t.value)
	}
	t.filled = true
	t.mu.Unlock()
	return got
}

func NegReceiveOnlyOnceFilled() {
	for i := 0; i < 20; i++ {
		t := &ticket{value: make(chan int, 1)}
		done := make(chan bool)
		go func() { done <- t.fill(i) }()
		t.take()
		<-done
	}
}

// Correct: a mixer waits for its feeds while holding its lock, and a feed pulls from a source that can be
// another mixer; that source's pull locks the source's own mutex, never the waiting mixer's.

type intSource interface {
	pull() (int, bool)
}

type countdown struct{ n int }

func (c *countdown) pull() (int, bool) {
	if c.n == 0 {
		return 0, false
	}
	c.n--
	return c.n, true
}

type mixer struct {
	mu     sync.Mutex
	wg     sync.WaitGroup
	sum    atomic.Int64
	closed bool
	given  bool
}

func (m *mixer) add(src intSource) {
	m.wg.Add(1)
	go m.feed(src)
}

func (m *mixer) feed(src intSource) {
	defer m.wg.Done()
	for {
		v, ok := src.pull()
		if !ok {
			return
		}
		m.sum.Add(int64(v))
	}
}

// pull hands out the merged sum once, after close.
func (m *mixer) pull() (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.closed || m.given {
		return 0, false
	}
	m.given = true
	return int(m.sum.Load()), true
}

func (m *mixer) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wg.Wait()
	m.closed = true
}

func NegWaitForFeedsFromAnotherMixer() {
	inner := &mixer{}
	inner.add(&countdown{n: 4})
	inner.close()
	outer := &mixer{}
	outer.add(inner)
	outer.close()
	if v, ok := outer.pull(); !ok || v != 6 {
		panic("merged sum lost")
	}
}
