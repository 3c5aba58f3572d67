package mixedatomicaccess

import (
	"sync"
	"sync/atomic"
)

// The atomic update and the plain access sit in different methods; one function runs them in goroutines that
// overlap.

type hitCounter struct{ hits int64 }

func (c *hitCounter) bump() { atomic.AddInt64(&c.hits, 1) }

func (c *hitCounter) peek() int64 {
	return c.hits // want "mixed-atomic-access: PosSnapshotWhileHitting starts a goroutine .* then reaches this access itself"
}

func PosSnapshotWhileHitting() {
	c := &hitCounter{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			c.bump()
		}
	}()
	_ = c.peek()
	wg.Wait()
}

type gauge struct{ level int64 }

func (g *gauge) raise() { atomic.AddInt64(&g.level, 1) }

func (g *gauge) zeroLevel() {
	g.level = 0 // want "mixed-atomic-access: in a loop, so several do both at once"
}

func PosResetInEachWorker() {
	g := &gauge{}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.raise()
			g.zeroLevel()
		}()
	}
	wg.Wait()
}

// Copying a struct value reads its fields, also the one another goroutine updates atomically.

type writeStats struct{ writes uint64 }

type lru struct{ st writeStats }

func (c *lru) record() { atomic.AddUint64(&c.st.writes, 1) }

func (c *lru) copyStats() writeStats {
	return c.st // want "mixed-atomic-access: starts goroutines at line \d+ and line \d+ that run at the same time"
}

func PosStatsCopiedWhileRecording() {
	c := &lru{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		c.record()
	}()
	go func() {
		defer wg.Done()
		_ = c.copyStats()
	}()
	wg.Wait()
}

// Read after the goroutines are done: Wait orders the plain read after every atomic update.

type visits struct{ n int64 }

func (v *visits) add()        { atomic.AddInt64(&v.n, 1) }
func (v *visits) total() int64 { return v.n }

func NegTotalAfterWait() {
	v := &visits{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v.add()
		}()
	}
	wg.Wait()
	_ = v.total()
}

// Every access in the other methods is atomic too.

type flags struct{ bits uint32 }

func (f *flags) set()         { atomic.AddUint32(&f.bits, 1) }
func (f *flags) load() uint32 { return atomic.LoadUint32(&f.bits) }

func NegLoadInOtherMethod() {
	f := &flags{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f.set()
	}()
	_ = f.load()
	wg.Wait()
}
