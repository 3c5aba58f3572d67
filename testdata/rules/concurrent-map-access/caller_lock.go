package concurrentmap

import (
	"sync"
	"time"
)

// scheduler arms one expiry timer per job. armLocked writes the map without locking because every caller holds
// s.mu; the timer's callback takes s.mu itself.
type scheduler struct {
	mu      sync.Mutex
	pending map[string]*time.Timer
}

func (s *scheduler) Schedule(job string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armLocked(job)
}

func (s *scheduler) armLocked(job string) {
	t := time.AfterFunc(time.Millisecond, func() {
		s.mu.Lock()
		delete(s.pending, job)
		s.mu.Unlock()
	})
	s.pending[job] = t
}

func NegMapWrittenWhereEveryCallerHoldsTheLock() {
	s := &scheduler{pending: map[string]*time.Timer{}}
	s.Schedule("a")
	s.Schedule("b")
	time.Sleep(20 * time.Millisecond)
}
