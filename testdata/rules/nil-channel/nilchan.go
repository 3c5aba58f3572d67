// Package nilchannel holds cases for the nil-channel rule. Closing a nil channel panics; sending or receiving
// blocks forever (the test binary's timeout dump shows the blocked line).
package nilchannel

func PosCloseNil() {
	var done chan struct{}
	close(done) // want "nil-channel"
}

func PosSendNil() {
	var results chan int
	results <- 1 // want "nil-channel"
}

func PosReceiveNil() {
	var ready chan bool
	<-ready // want "nil-channel"
}

var shutdown chan struct{}

func PosRangeNilPackageLevel() {
	for range shutdown { // want "nil-channel"
	}
}

func NegMade() {
	var ch chan int
	ch = make(chan int, 1)
	ch <- 1
	<-ch
	close(ch)
}

func NegNilInSelect() {
	var disabled chan int
	ready := make(chan int, 1)
	ready <- 1
	select {
	case v := <-disabled:
		_ = v
	case <-ready:
	}
}

func NegAssignedInClosure() {
	var ch chan int
	setup := func() { ch = make(chan int) }
	setup()
	close(ch)
}

func NegAssignedBySelectReceive() {
	var idle chan struct{}
	handoff := make(chan chan struct{}, 1)
	handoff <- make(chan struct{})
	select {
	case idle = <-handoff:
	}
	close(idle)
}
