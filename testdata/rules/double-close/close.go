// Package doubleclose holds cases for the double-close rule: Pos* panic with "close of closed channel".
package doubleclose

func PosCloseTwice() {
	done := make(chan struct{})
	close(done)
	close(done) // want "double-close"
}

func PosDeferredAndExplicit() {
	results := make(chan int, 1)
	defer close(results)
	results <- 1
	close(results) // want "double-close"
} // fires: open-coded defers run (and panic) at the function's end

type worker struct {
	quit chan struct{}
}

func (w *worker) stop(flush bool) {
	close(w.quit)
	if flush {
		close(w.quit) // want "double-close"
	}
}

func PosFieldCloseInBranch() {
	w := &worker{quit: make(chan struct{})}
	w.stop(true)
}

func NegCloseInBothBranches() {
	ch := make(chan int)
	if len(ch) == 0 {
		close(ch)
	} else {
		close(ch)
	}
}

func NegReassignedBetween() {
	ch := make(chan int)
	close(ch)
	ch = make(chan int)
	close(ch)
}

func NegDifferentChannels() {
	a, b := make(chan int), make(chan int)
	defer close(a)
	close(b)
}

func NegCloseInClosures() {
	ch := make(chan int)
	first := func() { close(ch) }
	second := func() { close(ch) }
	if cap(ch) == 0 {
		first()
	} else {
		second()
	}
}
