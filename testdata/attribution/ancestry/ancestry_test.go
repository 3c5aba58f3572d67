// Package ancestry: TestLaunch starts launch, which starts explode; explode panics while TestIdle runs.
package ancestry

import (
	"testing"
	"time"
)

func explode() {
	time.Sleep(50 * time.Millisecond)
	panic("boom two goroutines away from TestLaunch") // blame: TestLaunch // bystander: TestIdle // blame-needs: tracebackancestors
}

func launch() {
	go explode()
	time.Sleep(time.Second)
}

func TestLaunch(t *testing.T) {
	go launch()
}

func TestIdle(t *testing.T) {
	time.Sleep(2 * time.Second)
}
