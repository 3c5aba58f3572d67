package goroutineleak

import (
	"context"
	"errors"
	"time"
)

// Sends that cannot be stranded: the sender shares the receiver's way out, or every way out is one of its sends.

func resolve(ctx context.Context) string {
	time.Sleep(time.Millisecond)
	return "addr"
}

func lookup(ctx context.Context) (string, error) {
	found := make(chan string)
	go func() {
		addr := resolve(ctx)
		select {
		case found <- addr:
		case <-ctx.Done(): // the receiver gives up on this same context
		}
	}()
	select {
	case addr := <-found:
		return addr, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func NegSendGuardedByTheReceiversExit() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _ = lookup(ctx)
	time.Sleep(5 * time.Millisecond) // the worker has left through ctx.Done by now
}

func parse(input string) (int, error) {
	if input == "" {
		return 0, errors.New("empty")
	}
	return len(input), nil
}

func parseAsync(input string) (int, error) {
	failed := make(chan error)
	parsed := make(chan int)
	go func() {
		n, err := parse(input)
		if err != nil {
			failed <- err
			return
		}
		parsed <- n
	}()
	select {
	case err := <-failed:
		return 0, err
	case n := <-parsed:
		return n, nil
	}
}

func NegOneOfTwoSendsAlwaysReceived() {
	_, _ = parseAsync("")
	_, _ = parseAsync("x")
}

// recordResult sends one value per call. The pipeline calls it in a loop, with a receiver; the check below calls
// it once on a channel with one slot that nothing receives from: that one send never waits.
func recordResult(n int, out chan<- int) { out <- n * n }

func sumSquares(items []int) int {
	out := make(chan int)
	go func() {
		for _, n := range items {
			recordResult(n, out)
		}
		close(out)
	}()
	total := 0
	for v := range out {
		total += v
	}
	return total
}

func NegSingleSendFillsOwnSlot() {
	sumSquares([]int{1, 2, 3})
	out := make(chan int, 1)
	recordResult(4, out)
}
