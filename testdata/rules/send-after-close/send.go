// Package sendafterclose holds cases for the send-after-close rule: Pos* panic with "send on closed channel".
package sendafterclose

func PosSendAfterClose() {
	out := make(chan int, 2)
	out <- 1
	close(out)
	out <- 2 // want "send-after-close"
}

func PosSelectSendAfterClose() {
	events := make(chan string, 1)
	close(events)
	select {
	case events <- "late": // want "send-after-close"
	default:
	}
}

type pipe struct{ data chan []byte }

func (p *pipe) finish(last []byte) {
	close(p.data)
	if len(last) > 0 {
		p.data <- last // want "send-after-close"
	}
}

func PosFieldSendInBranch() {
	p := &pipe{data: make(chan []byte, 1)}
	p.finish([]byte("x"))
}

func NegSendThenClose() {
	out := make(chan int, 1)
	out <- 1
	close(out)
	for range out {
	}
}

func NegNewChannelAfterClose() {
	out := make(chan int, 1)
	close(out)
	out = make(chan int, 1)
	out <- 1
}

func NegCloseInOtherBranch() {
	out := make(chan int, 1)
	if cap(out) == 0 {
		close(out)
	} else {
		out <- 1
	}
}
