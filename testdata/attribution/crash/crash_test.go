// Package crash: a goroutine started by TestPanicSpawn panics while TestPanicWait runs.
package crash

import (
	"testing"
	"time"
)

func explode() {
	time.Sleep(50 * time.Millisecond)
	panic("boom from a goroutine TestPanicSpawn left behind") // blame: TestPanicSpawn // bystander: TestPanicWait
}

func TestPanicSpawn(t *testing.T) {
	go explode()
}

func TestPanicWait(t *testing.T) {
	time.Sleep(2 * time.Second)
}
