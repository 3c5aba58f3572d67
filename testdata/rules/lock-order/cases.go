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
