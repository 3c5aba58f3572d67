package sendafterclose

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// A channel held in a struct field, closed by one method and sent on by another: one function runs both.

type stream struct{ out chan int }

func (s *stream) finish() { close(s.out) }

func (s *stream) emit(v int) {
	s.out <- v // want "send-after-close: after it is closed: PosCloseThenEmit runs the close .* in the same goroutine"
}

func PosCloseThenEmit() {
	s := &stream{out: make(chan int, 4)}
	s.finish()
	s.emit(1)
}

type batch struct{ items chan int }

func (b *batch) seal()      { close(b.items) }
func (b *batch) add(v int) { b.items <- v }

func NegAddThenSeal() {
	b := &batch{items: make(chan int, 4)}
	b.add(1)
	b.add(2)
	b.seal()
}

// The closing method runs in a goroutine; the sender goes on without waiting for it. The atomic flag only makes
// the bad order certain for the proof: the sender does not wait for the goroutine in any way the code shows.

type watcher struct {
	events chan string
	done   int32
}

func (w *watcher) run() {
	close(w.events)
	atomic.StoreInt32(&w.done, 1)
}

func (w *watcher) notify() {
	w.events <- "update" // want "send-after-close: PosNotifyAfterWatcherClosed starts a goroutine at line \d+ that closes it"
}

func PosNotifyAfterWatcherClosed() {
	w := &watcher{events: make(chan string, 1)}
	go w.run()
	for atomic.LoadInt32(&w.done) == 0 {
		runtime.Gosched()
	}
	w.notify()
}

// A goroutine keeps submitting while the pool is shut down under it.

type pool struct {
	work    chan func()
	stopped int32
}

func (p *pool) submit(f func()) {
	p.work <- f // want "send-after-close: starts a goroutine at line \d+ that sends on it, then closes it"
}

func (p *pool) shutdown() {
	close(p.work)
	atomic.StoreInt32(&p.stopped, 1)
}

func PosSubmitWhileShuttingDown() {
	p := &pool{work: make(chan func(), 8)}
	go func() {
		for atomic.LoadInt32(&p.stopped) == 0 {
			runtime.Gosched()
		}
		p.submit(func() {})
	}()
	p.shutdown()
	time.Sleep(2 * time.Second) // the goroutine's panic ends the program first
}

// A pool shut down only after every submitting goroutine is done.

type jobs struct{ queue chan func() }

func (j *jobs) enqueue(f func()) { j.queue <- f }
func (j *jobs) drain()           { close(j.queue) }

func NegDrainAfterSubmittersDone() {
	j := &jobs{queue: make(chan func(), 8)}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j.enqueue(func() {})
		}()
	}
	wg.Wait()
	j.drain()
}

// Sends and the close share a lock and a closed flag: a send after the close sees the flag and returns.

type queue struct {
	mu     sync.Mutex
	closed bool
	ch     chan int
}

func (q *queue) put(v int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.ch <- v
}

func (q *queue) stop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	close(q.ch)
}

func NegPutAfterStopUnderLock() {
	q := &queue{ch: make(chan int, 1)}
	q.stop()
	q.put(1)
}

// Closing wakes every receiver, then a new channel replaces the closed one: later sends go to the new channel.

type broadcaster struct{ ch chan int }

func (b *broadcaster) reset() {
	close(b.ch)
	b.ch = make(chan int, 1)
}

func (b *broadcaster) publish(v int) { b.ch <- v }

func NegPublishAfterReset() {
	b := &broadcaster{ch: make(chan int, 1)}
	b.reset()
	b.publish(1)
}

// Retiring sets an atomic flag before it closes; record checks the flag first and returns: a record after
// retiring never reaches the send.

type journal struct {
	entries chan int
	blocked atomic.Int32
}

func (j *journal) retire() {
	j.blocked.Store(1)
	close(j.entries)
}

func (j *journal) record(v int) bool {
	if j.blocked.Load() == 1 {
		return false
	}
	j.entries <- v
	return true
}

func NegRecordAfterRetireChecksFlag() {
	j := &journal{entries: make(chan int, 1)}
	j.retire()
	j.record(1)
}

// A goroutine answers each request on the request's own reply channel, and the caller's status makes a fresh
// request and answers it in place: it closes that request's channel, never one the goroutine sends on.

type request struct{ reply chan int }

func (r *request) answer(v int) {
	r.reply <- v
	close(r.reply)
}

type responder struct{ incoming chan *request }

func (s *responder) serve() {
	for r := range s.incoming {
		s.handle(r)
	}
}

func (s *responder) handle(r *request) { r.answer(1) }

func startResponder() *responder {
	s := &responder{incoming: make(chan *request)}
	go s.serve()
	return s
}

func (s *responder) status() int {
	r := &request{reply: make(chan int, 1)}
	r.answer(2)
	return <-r.reply
}

func NegFreshRequestAnsweredInPlace() {
	s := startResponder()
	s.status()
	r := &request{reply: make(chan int, 1)}
	s.incoming <- r
	<-r.reply
	close(s.incoming)
}
