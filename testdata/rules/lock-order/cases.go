// Package lockorder holds cases for the lock-order rule. Pos* cases are bugs and carry a want marker on the
// line the rule must report; Neg* cases are correct code and must stay quiet (and run clean under -race).
// The positives sleep while holding their first lock so that both goroutines hold one lock before either asks
// for the second: the deadlock then happens on every run.
package lockorder

import (
	"sync"
	"time"
)

const overlap = 20 * time.Millisecond

// AB-BA across two types: a ledger posts to an account, an account audits against its ledger.

type ledger struct {
	mu      sync.Mutex
	entries []int
}

type account struct {
	mu      sync.Mutex
	balance int
	book    *ledger
}

func (a *account) deposit(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.balance += n
}

func (l *ledger) post(a *account, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, n)
	time.Sleep(overlap)
	a.deposit(n) // want "lock-order: post holds l.mu \(ledger.mu, line 34\) and takes a.mu \(account.mu\).*audit holds a.mu"
}

func (l *ledger) record(n int) {
	l.mu.Lock() // fires: the auditing goroutine waits here for the ledger
	defer l.mu.Unlock()
	l.entries = append(l.entries, n)
}

func (a *account) audit() {
	a.mu.Lock()
	defer a.mu.Unlock()
	time.Sleep(overlap)
	a.book.record(a.balance)
}

func PosOppositeOrderAcrossMethods() {
	l := &ledger{}
	a := &account{book: l}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); l.post(a, 1) }()
	go func() { defer wg.Done(); a.audit() }()
	wg.Wait()
}

// The same method in two goroutines: it releases its outer lock and takes it again while holding the inner one.

type volume struct {
	mu sync.Mutex
}

type pool struct {
	sync.Mutex
	volumes map[string]*volume
}

func (p *pool) waitForIO() {
	p.Unlock()
	time.Sleep(overlap)
	p.Lock()
}

func (p *pool) remove(name string) {
	p.Lock()
	defer p.Unlock()
	v := p.volumes[name]
	v.mu.Lock() // want "lock-order: remove holds p \(pool.Mutex, line 82\) and takes v.mu \(volume.mu\) at line 85, while another goroutine in remove holds v.mu"
	defer v.mu.Unlock()
	p.waitForIO()
}

func PosRelockWhileHoldingInner() {
	p := &pool{volumes: map[string]*volume{"a": {}}}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.remove("a") }()
	go func() { defer wg.Done(); p.remove("a") }()
	wg.Wait()
}

// Through an interface call and a callback stored in a field: the cache holds its lock while the source
// replaces its data, and the source holds its own lock while it notifies the cache.

type source interface {
	replace()
}

type store struct {
	mu       sync.Mutex
	onChange func()
}

func (s *store) replace() {
	s.mu.Lock()
	defer s.mu.Unlock()
	time.Sleep(overlap)
}

func (s *store) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	time.Sleep(overlap)
	if s.onChange != nil {
		s.onChange() // want "lock-order: notify holds s.mu \(store.mu, line 118\) and takes c.mu \(cache.mu\) at line 132 \(in invalidate\), while refill holds c.mu \(line 137\) and takes s.mu at line 112 \(in replace\)"
	}
}

type cache struct {
	mu  sync.Mutex
	src source
}

func (c *cache) invalidate() {
	c.mu.Lock() // fires: the notifying goroutine waits here for the cache
	defer c.mu.Unlock()
}

func (c *cache) refill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	time.Sleep(overlap / 2)
	c.src.replace() // fires: the refilling goroutine waits here for the store
}

func PosOppositeOrderThroughInterfaceAndCallback() {
	s := &store{}
	c := &cache{src: s}
	s.onChange = c.invalidate
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.refill() }()
	go func() { defer wg.Done(); s.notify() }()
	wg.Wait()
}

// Correct: both goroutines take the two locks in the same order.

type inventory struct {
	mu    sync.Mutex
	count int
}

type order struct {
	mu    sync.Mutex
	items int
}

func (o *order) reserve(inv *inventory) {
	o.mu.Lock()
	defer o.mu.Unlock()
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.count--
	o.items++
}

func (o *order) cancel(inv *inventory) {
	o.mu.Lock()
	defer o.mu.Unlock()
	inv.take(o)
}

func (inv *inventory) take(o *order) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.count++
	o.items--
}

func NegSameOrderEverywhere() {
	inv := &inventory{count: 10}
	o := &order{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); o.reserve(inv) }()
	go func() { defer wg.Done(); o.cancel(inv) }()
	wg.Wait()
}

// Correct: the opposite orders both run under one gate lock, so they never overlap.

type shelf struct {
	mu    sync.Mutex
	books int
}

type desk struct {
	mu     sync.Mutex
	papers int
}

type office struct {
	gate  sync.Mutex
	shelf shelf
	desk  desk
}

func (o *office) tidy() {
	o.gate.Lock()
	defer o.gate.Unlock()
	o.shelf.mu.Lock()
	o.desk.mu.Lock()
	o.desk.papers, o.shelf.books = 0, o.shelf.books+o.desk.papers
	o.desk.mu.Unlock()
	o.shelf.mu.Unlock()
}

func (o *office) spread() {
	o.gate.Lock()
	defer o.gate.Unlock()
	o.desk.mu.Lock()
	o.shelf.mu.Lock()
	o.shelf.books, o.desk.papers = 0, o.desk.papers+o.shelf.books
	o.shelf.mu.Unlock()
	o.desk.mu.Unlock()
}

func NegOppositeOrdersUnderOneGate() {
	o := &office{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); o.tidy() }()
	go func() { defer wg.Done(); o.spread() }()
	wg.Wait()
}

// Correct: the first lock is released before the call that takes the second (the fix of the ledger case).

type journal struct {
	mu    sync.Mutex
	lines []int
}

type wallet struct {
	mu    sync.Mutex
	coins int
	log   *journal
}

func (j *journal) write(w *wallet, n int) {
	j.mu.Lock()
	j.lines = append(j.lines, n)
	j.mu.Unlock()
	w.add(n)
}

func (w *wallet) add(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.coins += n
}

func (w *wallet) check() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.log.append(w.coins)
}

func (j *journal) append(n int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.lines = append(j.lines, n)
}

func NegReleaseBeforeCall() {
	j := &journal{}
	w := &wallet{log: j}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); j.write(w, 1) }()
	go func() { defer wg.Done(); w.check() }()
	wg.Wait()
}

// Correct: opposite orders on read locks only; readers never wait for readers when no writer queues.

type index struct {
	mu   sync.RWMutex
	keys int
}

type catalog struct {
	mu    sync.RWMutex
	items int
	idx   *index
}

func (c *catalog) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.items + c.idx.count()
}

func (i *index) count() int {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return i.keys
}

func (i *index) describe(c *catalog) int {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return i.keys + c.itemCount()
}

func (c *catalog) itemCount() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.items
}

func NegOppositeReadLocksOnly() {
	i := &index{}
	c := &catalog{idx: i}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = c.size() }()
	go func() { defer wg.Done(); _ = i.describe(c) }()
	wg.Wait()
}

// Correct: the gate lock is taken through a helper that returns holding it, and the second chain runs only from
// callers that hold it.

type buffer struct {
	mu   sync.Mutex
	data []int
}

type backend struct {
	mu sync.Mutex
	n  int
}

type engine struct {
	txMu sync.Mutex
	buf  buffer
	db   backend
}

func (e *engine) lockTx() {
	e.txMu.Lock()
}

func (e *engine) unlockTx() {
	e.txMu.Unlock()
}

func (e *engine) compact() {
	e.lockTx()
	defer e.unlockTx()
	e.db.mu.Lock()
	defer e.db.mu.Unlock()
	e.buf.mu.Lock()
	e.buf.data = nil
	e.buf.mu.Unlock()
}

// flushLocked runs with e.txMu held by every caller.
func (e *engine) flushLocked() {
	e.buf.mu.Lock()
	defer e.buf.mu.Unlock()
	e.db.mu.Lock()
	e.db.n += len(e.buf.data)
	e.db.mu.Unlock()
}

func (e *engine) commit() {
	e.lockTx()
	e.flushLocked()
	e.unlockTx()
}

func NegGateTakenThroughHelper() {
	e := &engine{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); e.compact() }()
	go func() { defer wg.Done(); e.commit() }()
	wg.Wait()
}

// A recorder that also implements the sink it copies records to. record holds outMu and writes to the sink it
// is given; Write takes shakeMu, then outMu. The sink is always another value (here a byte counter): given the
// recorder itself, record would take outMu twice in one goroutine, so a program that works never does that, and
// the two orders never meet on one recorder.
type recordSink interface {
	Write(p []byte) (int, error)
}

type recorder struct {
	outMu   sync.Mutex
	shakeMu sync.Mutex
	out     []byte
	shakes  int
}

func (r *recorder) Write(p []byte) (int, error) {
	r.shakeMu.Lock()
	defer r.shakeMu.Unlock()
	r.shakes++
	r.outMu.Lock()
	r.out = append(r.out, p...)
	r.outMu.Unlock()
	return len(p), nil
}

func (r *recorder) record(p []byte, copyTo recordSink) {
	r.outMu.Lock()
	defer r.outMu.Unlock()
	r.out = append(r.out, p...)
	if copyTo != nil {
		copyTo.Write(p)
	}
}

type byteCounter struct{ n int }

func (b *byteCounter) Write(p []byte) (int, error) {
	b.n += len(p)
	return len(p), nil
}

func NegInterfaceArgumentIsAnotherValue() {
	r := &recorder{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 50; i++ {
			r.Write([]byte("hello"))
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 50; i++ {
			r.record([]byte("x"), &byteCounter{})
		}
	}()
	wg.Wait()
}

// Correct: a helper runs the function it is given. One caller's function takes the meter's lock and then the
// gauge's; another caller holds the gauge's lock while the helper runs its own function, which takes nothing.

type gauge struct {
	mu sync.Mutex
	v  int
}

type meter struct {
	mu   sync.Mutex
	g    *gauge
	seen int
}

// retry runs f until it reports success.
func retry(f func() bool) {
	for !f() {
	}
}

func (m *meter) sample() {
	retry(func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.g.mu.Lock()
		m.seen = m.g.v
		m.g.mu.Unlock()
		return true
	})
}

func (g *gauge) bump() {
	g.mu.Lock()
	defer g.mu.Unlock()
	retry(func() bool {
		g.v++
		return true
	})
}

func NegCallbackOfAnotherCaller() {
	g := &gauge{}
	m := &meter{g: g}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); m.sample() }()
	go func() { defer wg.Done(); g.bump() }()
	wg.Wait()
}

// Correct: a new session is locked while the registry's lock is held, before anything else can reach it; closing
// takes a session's lock first and the registry's after, but only on a session already handed out.

type session struct {
	mu   sync.Mutex
	id   int
	open bool
}

type registry struct {
	mu       sync.Mutex
	sessions map[int]*session
	next     int
}

func (r *registry) open() *session {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &session{id: r.next}
	r.next++
	s.mu.Lock()
	s.open = true
	s.mu.Unlock()
	r.sessions[s.id] = s
	return s
}

func (r *registry) release(s *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open = false
	r.mu.Lock()
	delete(r.sessions, s.id)
	r.mu.Unlock()
}

func NegNewValueLockedUnderRegistry() {
	r := &registry{sessions: map[int]*session{}}
	opened := make(chan *session, 8)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer close(opened)
		for range 8 {
			opened <- r.open()
		}
	}()
	go func() {
		defer wg.Done()
		for s := range opened {
			r.release(s)
		}
	}()
	wg.Wait()
}

// Correct: a crate is filled under its own lock and then added to the depot under the depot's lock; the depot
// counts its crates under its lock and each crate's, but cannot see the new crate before it is added. Only an
// unchecked crate gets an inspection timer (which has the crate), and an unchecked crate is never added.

type crate struct {
	mu         sync.Mutex
	items      int
	inspection *time.Timer
}

type depot struct {
	mu     sync.Mutex
	crates []*crate
}

func (c *crate) inspect() {
	c.mu.Lock()
	c.items = 0
	c.mu.Unlock()
}

func (d *depot) receive(items int, checked bool) *crate {
	c := &crate{}
	if !checked {
		c.inspection = time.AfterFunc(time.Hour, c.inspect)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items = items
	if checked {
		d.mu.Lock()
		d.crates = append(d.crates, c)
		d.mu.Unlock()
	}
	return c
}

func (d *depot) inventory() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	total := 0
	for i := range d.crates {
		d.crates[i].mu.Lock()
		total += d.crates[i].items
		d.crates[i].mu.Unlock()
	}
	return total
}

func NegNewValueLockedBeforeItIsShared() {
	d := &depot{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range 8 {
			if c := d.receive(i, i%2 == 0); c.inspection != nil {
				c.inspection.Stop()
			}
		}
	}()
	go func() {
		defer wg.Done()
		for range 8 {
			_ = d.inventory()
		}
	}()
	wg.Wait()
}

// Correct: the lock is handed to a goroutine that releases it, so the starter holds nothing while it waits for
// the board's lock; the board takes the slot's lock under its own.

type slot struct {
	mu sync.Mutex
	v  int
}

type board struct {
	mu    sync.Mutex
	total int
	s     *slot
}

func (b *board) settle() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.s.mu.Lock()
	b.total += b.s.v
	b.s.mu.Unlock()
}

func handOver(b *board, s *slot) {
	s.mu.Lock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.v++
		s.mu.Unlock()
	}()
	b.mu.Lock()
	b.total++
	b.mu.Unlock()
	<-done
}

func NegLockHandedToAnotherGoroutine() {
	s := &slot{}
	b := &board{s: s}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); handOver(b, s) }()
	go func() { defer wg.Done(); b.settle() }()
	wg.Wait()
}

// Correct: a flag parameter decides, through a local, whether the tally is updated in place; the caller that
// holds the tracker's lock passes true, so only callers without it take the tally's lock.

type tally struct {
	mu sync.Mutex
	n  int
}

type tracker struct {
	mu   sync.Mutex
	t    *tally
	hits int
}

func (k *tracker) record(locked bool) {
	inPlace := k.t != nil && !locked
	if inPlace {
		k.t.mu.Lock()
		k.t.n++
		k.t.mu.Unlock()
	}
}

func (k *tracker) hit() {
	k.record(false)
	k.mu.Lock()
	k.hits++
	k.mu.Unlock()
}

func (k *tracker) hitLocked() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.hits++
	k.record(true)
}

func (t *tally) reset(k *tracker) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n = 0
	k.mu.Lock()
	k.hits = 0
	k.mu.Unlock()
}

func NegFlagThroughLocalKeepsSecondLock() {
	t := &tally{}
	k := &tracker{t: t}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); k.hit() }()
	go func() { defer wg.Done(); k.hitLocked() }()
	go func() { defer wg.Done(); t.reset(k) }()
	wg.Wait()
}
