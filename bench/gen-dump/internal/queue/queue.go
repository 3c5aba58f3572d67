// Package queue holds generic worker pools and channel plumbing.
package queue

import (
	"context"
	"sync"
	"time"

	"example.com/shop/internal/ready"
)

// Pool runs handle on every submitted job with a fixed number of workers.
type Pool[T any] struct {
	jobs   chan T
	handle func(T)
	wg     sync.WaitGroup
}

// NewPool makes a pool with a job buffer of the given size.
func NewPool[T any](buffer int, handle func(T)) *Pool[T] {
	return &Pool[T]{jobs: make(chan T, buffer), handle: handle}
}

// Start launches n workers.
func (p *Pool[T]) Start(n int) {
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go p.worker(i)
	}
}

func (p *Pool[T]) worker(id int) {
	defer p.wg.Done()
	ready.Done()
	for job := range p.jobs {
		p.handle(job)
	}
}

// Submit queues a job, waiting while the buffer is full.
func (p *Pool[T]) Submit(job T) {
	ready.Done()
	p.jobs <- job
}

// Wait waits for every worker to exit.
func (p *Pool[T]) Wait() {
	ready.Done()
	p.wg.Wait()
}

// Forward copies from in to out until ctx ends.
func Forward[T any](ctx context.Context, in <-chan T, out chan<- T) {
	ready.Done()
	for {
		select {
		case v, ok := <-in:
			if !ok {
				return
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// Batcher collects items and flushes them in batches on a timer.
type Batcher[T any] struct {
	items    chan T
	interval time.Duration
	flush    func([]T)
}

// NewBatcher makes a batcher.
func NewBatcher[T any](interval time.Duration, flush func([]T)) *Batcher[T] {
	return &Batcher[T]{items: make(chan T), interval: interval, flush: flush}
}

// Run flushes every interval until ctx ends.
func (b *Batcher[T]) Run(ctx context.Context) {
	t := time.NewTicker(b.interval)
	defer t.Stop()
	var batch []T
	ready.Done()
	for {
		select {
		case v := <-b.items:
			batch = append(batch, v)
		case <-t.C:
			b.flush(batch)
			batch = batch[:0]
		case <-ctx.Done():
			return
		}
	}
}

// Semaphore bounds concurrency with a buffered channel.
type Semaphore chan struct{}

// Acquire takes a slot, waiting while all are taken.
func (s Semaphore) Acquire() {
	ready.Done()
	s <- struct{}{}
}

// Release gives a slot back.
func (s Semaphore) Release() { <-s }
