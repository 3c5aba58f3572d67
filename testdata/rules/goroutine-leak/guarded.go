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
