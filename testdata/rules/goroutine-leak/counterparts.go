package goroutineleak

import (
	"errors"
	"os"
	"os/signal"
	"time"
)

// Channels whose counterpart never comes: nobody in the package receives, sends or closes, a send happens before
// anyone else can hold the channel, or the only receiver is a loop that stops first. Each Pos* strands a goroutine
// and then waits, so the timeout dump lists it blocked at the marked line.

type meter struct {
	readings chan int
}

func newMeter() *meter { return &meter{readings: make(chan int)} }

func (m *meter) record(v int) {
	m.readings <- v // want "goroutine-leak: nothing in this package ever receives from field meter.readings"
}

func PosNobodyReceivesField() {
	m := newMeter()
	go m.record(1)
	select {}
}

type gate struct {
	opened chan struct{}
}

func (g *gate) opener() <-chan struct{} { return g.opened }

func PosNobodySendsOrCloses() {
	g := &gate{opened: make(chan struct{})}
	go func() {
		<-g.opener() // want "goroutine-leak: nothing in this package ever sends on or closes field gate.opened"
	}()
	select {}
}

func mayFail() error {
	if time.Now().Year() > 2000 {
		return errors.New("failed")
	}
	return nil
}

func waitResult() <-chan error {
	errc := make(chan error)
	if err := mayFail(); err != nil {
		errc <- err // want "goroutine-leak: errc is unbuffered and no other goroutine can hold it yet"
		return errc
	}
	return errc
}

func PosSendBeforeShared() {
	go func() { _ = waitResult() }()
	select {}
}

func runAsync(f func() error) chan error {
	ch := make(chan error)
	go func() {
		ch <- f() // want "goroutine-leak: nothing in this package ever receives from ch"
	}()
	return ch
}

func PosReturnedChannelDiscarded() {
	runAsync(mayFail)
	select {}
}

func watchNothing(done chan bool) {}

func PosParameterNeverSignals() {
	done := make(chan bool)
	go watchNothing(done)
	<-done // want "goroutine-leak: nothing in this package ever sends on or closes done"
}

type ticker struct {
	events chan int
	stop   chan struct{}
}

func (t *ticker) loop() {
	for {
		select {
		case <-t.events:
		case <-t.stop:
			return
		}
	}
}

func (t *ticker) publish(v int) {
	t.events <- v // want "goroutine-leak: field ticker.events is received only by the loop at line \d+, which stops receiving when <-t.stop is ready"
}

func PosReceiverLoopStopsFirst() {
	t := &ticker{events: make(chan int), stop: make(chan struct{})}
	go t.loop()
	t.publish(1)
	close(t.stop)
	time.Sleep(10 * time.Millisecond)
	go t.publish(2)
	select {}
}

type resetter struct {
	reset chan struct{}
	quit  chan struct{}
}

func (r *resetter) run() {
	for {
		select {
		case <-r.reset:
		case <-r.quit:
			return
		}
	}
}

func (r *resetter) touch() {
	r.reset <- struct{}{} // want "goroutine-leak: .*once its buffer of 1 is full"
}

func PosBufferFillsAfterReceiverStops() {
	r := &resetter{reset: make(chan struct{}, 1), quit: make(chan struct{})}
	go r.run()
	close(r.quit)
	time.Sleep(10 * time.Millisecond)
	go func() {
		r.touch()
		r.touch()
	}()
	select {}
}

func coinFlip() bool { return time.Now().UnixNano()%2 == 0 }

func pollUntilStopped(stop chan bool) {
	for {
		left := make(chan struct{})
		done := make(chan bool) // want "goroutine-leak: done is unbuffered and made anew in each iteration"
		go func() {
			<-left // send only once the select below has been left
			if coinFlip() {
				done <- false // fires
				return
			}
			done <- true // fires
		}()
		select {
		case <-stop:
			close(left)
			return
		case <-done:
		}
		close(left)
	}
}

func PosStopWinsOverFreshChannel() {
	stop := make(chan bool)
	close(stop)
	go pollUntilStopped(stop)
	select {}
}

func probeUntilStopped(stop chan bool) {
	returned := make(chan struct{})
	defer close(returned)
	results := make(chan bool) // want "goroutine-leak: results is unbuffered: .* can take another case"
	go func() {
		<-returned      // send only once the select below has been left
		results <- true // fires
		close(results)
	}()
	select {
	case <-stop:
		return // returns without draining results
	case <-results:
	case <-time.After(time.Hour):
		<-results
	}
}

func PosOneCaseForgetsToDrain() {
	stop := make(chan bool)
	close(stop)
	probeUntilStopped(stop)
	select {}
}

// Negatives: each counterpart exists, or the sender has a way out.

type inbox struct {
	messages chan string
}

func (b *inbox) incoming() <-chan string { return b.messages }

func NegReceivedThroughGetter() {
	b := &inbox{messages: make(chan string)}
	go func() { b.messages <- "hello" }()
	<-b.incoming()
}

type pump struct {
	out  chan int
	quit chan struct{}
}

func (p *pump) loop() {
	for {
		select {
		case <-p.out:
		case <-p.quit:
			return
		}
	}
}

func (p *pump) push(v int) bool {
	select {
	case p.out <- v:
		return true
	case <-p.quit:
		return false
	}
}

func NegSenderLeavesWithTheReceiver() {
	p := &pump{out: make(chan int), quit: make(chan struct{})}
	go p.loop()
	p.push(1)
	close(p.quit)
	p.push(2)
}

func NegSendsFitTheBuffer() {
	queue := make(chan int, 4)
	for i := 0; i < 4; i++ {
		queue <- i
	}
}

func NegHandedToTheRuntime() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt)
	signal.Stop(signals)
}

type drained struct {
	items chan int
	stop  chan struct{}
}

func (d *drained) loop() {
	for {
		select {
		case <-d.items:
		case <-d.stop:
			return
		}
	}
}

func (d *drained) add(v int) { d.items <- v }

func (d *drained) drain() {
	for {
		select {
		case <-d.items:
		default:
			return
		}
	}
}

func NegAnotherReceiverDrains() {
	d := &drained{items: make(chan int), stop: make(chan struct{})}
	go d.loop()
	d.add(1)
	close(d.stop)
	d.drain()
}

type journal struct {
	entries chan string
}

func newJournal(size int) *journal { return &journal{entries: make(chan string, size)} }

func (j *journal) append(entry string) {
	j.entries <- entry // want "goroutine-leak: nothing in this package ever receives from field journal.entries once its buffer is full"
}

func PosBufferOfAnySizeFillsInALoop() {
	j := newJournal(2)
	for _, entry := range []string{"a", "b", "c"} {
		j.append(entry)
	}
}

func NegOneSendPerGoroutineIntoItsOwnSlot() {
	n := 3
	results := make(chan int, n)
	for i := 0; i < n; i++ {
		go func() { results <- i }()
	}
}

type compactor struct {
	pending chan struct{}
}

func (c *compactor) start(stop chan struct{}, initial int) {
	for i := 0; i < initial; i++ {
		c.pending <- struct{}{} // want "goroutine-leak: .*which this function starts after this send: when the one slot of its buffer is already taken"
	}
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-c.pending:
			}
		}
	}()
}

func PosBufferFullBeforeReceiverStarts() {
	c := &compactor{pending: make(chan struct{}, 1)}
	c.start(make(chan struct{}), 2)
}

// The close runs before the send that nobody receives: the send panics at once rather than waiting.
func PosSendAfterOwnClose() {
	results := make(chan int)
	close(results)
	results <- 1 // want "goroutine-leak: when the close at line \d+ has already run, this send panics at once"
}
