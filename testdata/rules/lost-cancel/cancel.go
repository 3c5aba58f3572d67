// Package lostcancel holds cases for the lost-cancel rule. `go vet -lostcancel` reports the same lines.
package lostcancel

import (
	"context"
	"time"
)

func work(ctx context.Context) error { return ctx.Err() }

func PosDiscarded() {
	ctx, _ := context.WithTimeout(context.Background(), time.Second) // want "lost-cancel"
	_ = work(ctx)
}

func PosDiscardedOnReassign() {
	ctx := context.Background()
	ctx, _ = context.WithCancel(ctx) // want "lost-cancel"
	_ = work(ctx)
}

func NegDeferred() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = work(ctx)
}

func NegCancelledInGoroutine() {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(time.Second))
	go func() {
		_ = work(ctx)
		cancel()
	}()
}
