// Maps in struct fields and maps handed to named functions: the goroutine runs a method or a function that
// reaches the map one or two calls down. Under -race each Pos* is reported as a DATA RACE at a marked line.
package concurrentmap

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
)

type inventory struct {
	mu    sync.Mutex
	items map[string]int
}

// record forgets inv.mu: every goroutine that calls it writes inv.items at once.
func (inv *inventory) record(k string) {
	inv.items[k]++ // want "concurrent-map-access"
}

func PosFieldWriteFromLoopGoroutines() {
	inv := &inventory{items: map[string]int{}}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inv.record(fmt.Sprint(i % 2))
		}()
	}
	wg.Wait()
}

type registry struct {
	names map[int]string
}

func (r *registry) register(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	r.names[id] = "worker" // want "concurrent-map-access"
}

func PosMethodStartedInLoop() {
	reg := &registry{names: map[int]string{}}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go reg.register(i, &wg)
	}
	wg.Wait()
}

func storeResult(m map[int]int, k int) {
	m[k] = k * k // want "concurrent-map-access"
}

func squareWorker(m map[int]int, k int, wg *sync.WaitGroup) {
	defer wg.Done()
	storeResult(m, k)
}

func PosTwoCallsDown() {
	squares := map[int]int{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go squareWorker(squares, i, &wg) // squareWorker calls storeResult, which writes the shared map
	}
	wg.Wait()
}

type ledger struct {
	mu      sync.Mutex
	auditMu sync.Mutex
	entries map[string]int
}

func (l *ledger) credit(k string, wg *sync.WaitGroup) {
	defer wg.Done()
	l.mu.Lock()
	l.entries[k]++ // want "concurrent-map-access"
	l.mu.Unlock()
}

// audit holds a different mutex than credit, so the two do not exclude each other.
func (l *ledger) audit(k string, wg *sync.WaitGroup) {
	defer wg.Done()
	l.auditMu.Lock()
	l.entries[k] = 0 // want "concurrent-map-access"
	l.auditMu.Unlock()
}

func PosDifferentMutexes() {
	l := &ledger{entries: map[string]int{}}
	var wg sync.WaitGroup
	wg.Add(2)
	go l.credit("a", &wg)
	go l.audit("a", &wg)
	wg.Wait()
}

func PosLocalMapDifferentLocks() {
	m := map[int]int{}
	var muA, muB sync.Mutex
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		muA.Lock()
		m[1] = 1 // want "concurrent-map-access"
		muA.Unlock()
	}()
	muB.Lock()
	m[2] = 2
	muB.Unlock()
	wg.Wait()
}

type pathCounter struct {
	counts map[string]int
	// inside holds two requests inside the handler at once, so the test always has overlapping requests.
	inside sync.WaitGroup
}

func (p *pathCounter) serve(w http.ResponseWriter, r *http.Request) {
	p.counts[r.URL.Path]++ // want "concurrent-map-access"
	p.inside.Done()
	p.inside.Wait()
	fmt.Fprintln(w, "ok")
}

func PosHandlerMethodWritesField() {
	p := &pathCounter{counts: map[string]int{}}
	p.inside.Add(2)
	server := httptest.NewServer(http.HandlerFunc(p.serve))
	defer server.Close()
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := http.Get(server.URL + "/a"); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
}

type tally struct {
	mu     sync.Mutex
	counts map[int]int
}

func (t *tally) inc(k int, wg *sync.WaitGroup) {
	defer wg.Done()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts[k]++
}

func (t *tally) get(k int) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[k]
}

func NegFieldLockedInMethod() {
	t := &tally{counts: map[int]int{}}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go t.inc(i%2, &wg)
		go func() {
			defer wg.Done()
			_ = t.get(1)
		}()
	}
	wg.Wait()
}

type roster struct {
	sync.Mutex
	names map[int]string
}

func (r *roster) enrol(k int) {
	r.Lock()
	r.names[k] = "x"
	r.Unlock()
}

func NegEmbeddedMutex() {
	r := &roster{names: map[int]string{}}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.enrol(i)
		}()
	}
	wg.Wait()
}

type quota struct {
	mu   sync.Mutex
	used map[string]int
}

// take unlocks early on one branch only; on the path to the write the lock is still held.
func (q *quota) take(user string, limit int) bool {
	q.mu.Lock()
	if q.used[user] >= limit {
		q.mu.Unlock()
		return false
	}
	q.used[user]++
	q.mu.Unlock()
	return true
}

func NegUnlockOnOtherBranch() {
	q := &quota{used: map[string]int{}}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q.take("u", 2)
		}()
	}
	wg.Wait()
}

type catalog struct {
	byName map[string]int
}

func newCatalog() *catalog {
	c := &catalog{byName: map[string]int{}}
	c.byName["root"] = 0
	return c
}

func (c *catalog) lookup(name string) int {
	return c.byName[name]
}

// NegConstructorThenReadOnly: the map is filled in the constructor and before the go statements; the goroutines
// only read it, and each goroutine's own catalog is its own.
func NegConstructorThenReadOnly() {
	shared := newCatalog()
	shared.byName["extra"] = 1
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := newCatalog()
			own.byName["mine"] = i
			_ = shared.lookup("extra") + own.lookup("mine")
		}()
	}
	wg.Wait()
}

type sessionCache struct {
	entries sync.Map
}

func (s *sessionCache) remember(k int) {
	s.entries.Store(k, true)
	s.entries.Load(k)
}

func NegSyncMapField() {
	var s sessionCache // a zero sync.Map is ready to use
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.remember(i)
		}()
	}
	wg.Wait()
}

func fillOwn(m map[int]int, k int) {
	m[k] = k
}

func ownMapWorker(k int, wg *sync.WaitGroup) {
	defer wg.Done()
	own := map[int]int{}
	fillOwn(own, k)
}

func NegMapPerGoroutineThroughCalls() {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go ownMapWorker(i, &wg)
	}
	wg.Wait()
}

func produceTable(out chan<- map[int]int) {
	table := map[int]int{}
	table[1] = 1
	out <- table
}

func consumeTable(in <-chan map[int]int, done chan<- int) {
	table := <-in
	table[2] = 2
	done <- len(table)
}

func NegMapHandedOverThroughChannel() {
	tables := make(chan map[int]int)
	done := make(chan int)
	go produceTable(tables)
	go consumeTable(tables, done)
	<-done
}

type account struct {
	mu      sync.Mutex
	balance map[string]int
}

func (a *account) deposit(n int, wg *sync.WaitGroup) {
	defer wg.Done()
	a.mu.Lock()
	a.balance["eur"] += n
	a.mu.Unlock()
}

func (a *account) withdraw(n int, wg *sync.WaitGroup) {
	defer wg.Done()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.balance["eur"] -= n
}

func NegSameMutexInTwoMethods() {
	a := &account{balance: map[string]int{}}
	var wg sync.WaitGroup
	wg.Add(2)
	go a.deposit(5, &wg)
	go a.withdraw(3, &wg)
	wg.Wait()
}

type shard struct {
	hits map[int]int
}

func (s *shard) bump(k int, wg *sync.WaitGroup) {
	defer wg.Done()
	s.hits[k]++
}

func NegObjectPerIteration() {
	shards := []*shard{{hits: map[int]int{}}, {hits: map[int]int{}}, {hits: map[int]int{}}}
	var wg sync.WaitGroup
	for _, s := range shards {
		wg.Add(1)
		go s.bump(1, &wg)
	}
	wg.Wait()
}

type expiring struct {
	deadlines map[string]int
}

func (e *expiring) sweep(now int, wg *sync.WaitGroup) {
	defer wg.Done()
	for k, t := range e.deadlines {
		if t < now {
			delete(e.deadlines, k)
		}
	}
}

func NegDeleteWhileRangingField() {
	e := &expiring{deadlines: map[string]int{"a": 1, "b": 5}}
	var wg sync.WaitGroup
	wg.Add(1)
	go e.sweep(3, &wg)
	wg.Wait()
}

type slots struct {
	taken map[int]bool
}

func NegChannelAsMutex() {
	s := &slots{taken: map[int]bool{}}
	sem := make(chan struct{}, 1)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			s.taken[i] = true
			<-sem
		}()
	}
	wg.Wait()
}

func NegLocalMapChannelAsMutex() {
	m := map[int]bool{}
	sem := make(chan struct{}, 1)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			m[i] = true
			<-sem
		}()
	}
	wg.Wait()
}

type pool struct {
	mu    sync.Mutex
	conns map[int]bool
}

// acquire takes p.mu and leaves it held for its caller, which unlocks it.
func (p *pool) acquire() {
	p.mu.Lock()
}

func (p *pool) open(id int) {
	p.acquire()
	defer p.mu.Unlock()
	p.conns[id] = true
}

func NegLockTakenByHelper() {
	p := &pool{conns: map[int]bool{}}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.open(i)
		}()
	}
	wg.Wait()
}

type settings struct {
	mu     sync.Mutex
	values map[string]string
}

func (s *settings) update(k, v string) {
	s.mu.Lock()
	s.values[k] = v // want "concurrent-map-access"
	s.mu.Unlock()
}

// peek forgets s.mu, so the lock in update does not protect it.
func (s *settings) peek(k string) string {
	return s.values[k]
}

func PosSpawnerReadsThroughMethod() {
	s := &settings{values: map[string]string{}}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.update("a", "1")
	}()
	_ = s.peek("a")
	wg.Wait()
}

type scores struct {
	byPlayer map[string]int
}

func (s *scores) add(p string, wg *sync.WaitGroup) {
	defer wg.Done()
	s.byPlayer[p]++
}

func (s *scores) best(p string) int {
	return s.byPlayer[p]
}

func NegSpawnerReadsAfterWait() {
	s := &scores{byPlayer: map[string]int{}}
	var wg sync.WaitGroup
	wg.Add(1)
	go s.add("ann", &wg)
	wg.Wait()
	_ = s.best("ann")
}

type journal struct {
	lines map[int]string
}

func (j *journal) write(n int, done chan<- bool) {
	j.lines[n] = "entry"
	done <- true
}

// NegWaitInsideLoop: each goroutine is waited for before the loop starts the next one.
func NegWaitInsideLoop() {
	j := &journal{lines: map[int]string{}}
	own := map[int]int{}
	for i := 0; i < 4; i++ {
		done := make(chan bool)
		go j.write(i, done)
		<-done
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			own[i] = i
		}()
		wg.Wait()
	}
}
