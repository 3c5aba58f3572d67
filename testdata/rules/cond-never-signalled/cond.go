// Package condneversignalled holds cases for the cond-never-signalled rule. Each Pos* waits on a Cond that
// nothing signals: the test binary's timeout dump shows the goroutine asleep at the marked line.
package condneversignalled

import "sync"

type plugin struct {
	mu       sync.Mutex
	ready    *sync.Cond
	loaded   bool
	attempts int
}

func newPlugin() *plugin {
	p := &plugin{}
	p.ready = sync.NewCond(&p.mu)
	return p
}

func (p *plugin) waitLoaded() {
	p.mu.Lock()
	for !p.loaded {
		p.ready.Wait() // want "cond-never-signalled: nothing in the package ever calls Signal or Broadcast"
	}
	p.mu.Unlock()
}

func (p *plugin) load() {
	p.mu.Lock()
	p.loaded = true // the waiter is never woken to see this
	p.attempts++
	p.mu.Unlock()
}

func PosWaitWithoutSignal() {
	p := newPlugin()
	go p.load()
	p.waitLoaded()
}

func PosLocalCondNeverSignalled() {
	var mu sync.Mutex
	idle := sync.NewCond(&mu)
	mu.Lock()
	idle.Wait() // want "cond-never-signalled"
	mu.Unlock()
}

type queue struct {
	mu       sync.Mutex
	nonEmpty *sync.Cond
	items    []int
}

func (q *queue) put(v int) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.nonEmpty.Signal()
	q.mu.Unlock()
}

func (q *queue) get() int {
	q.mu.Lock()
	for len(q.items) == 0 {
		q.nonEmpty.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	q.mu.Unlock()
	return v
}

func NegSignalledByProducer() {
	q := &queue{}
	q.nonEmpty = sync.NewCond(&q.mu)
	go q.put(1)
	_ = q.get()
}

// broadcastAll wakes whatever Cond it is given: the Cond is signalled through the parameter.
func broadcastAll(mu *sync.Mutex, c *sync.Cond, done *bool) {
	mu.Lock()
	*done = true
	c.Broadcast()
	mu.Unlock()
}

func NegSignalledThroughAnotherName() {
	var mu sync.Mutex
	finished := sync.NewCond(&mu)
	done := false
	go broadcastAll(&mu, finished, &done)
	mu.Lock()
	for !done {
		finished.Wait()
	}
	mu.Unlock()
}

// pacedCall may be made to wait on a gate, but no code sets the gate: it stays nil and the Wait never runs.
type pacedCall struct {
	calls int
	gate  *sync.Cond
}

func (c *pacedCall) call() {
	if c.gate != nil {
		c.gate.L.Lock()
		c.gate.Wait()
		c.gate.L.Unlock()
	}
	c.calls++
}

func NegCondFieldNeverSet() {
	c := &pacedCall{}
	c.call()
	c.call()
}
