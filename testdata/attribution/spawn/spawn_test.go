// Package spawn: a goroutine started by TestSpawn outlives it and races with TestWait.
package spawn

import (
	"testing"
	"time"
)

var total int

func TestSpawn(t *testing.T) {
	go func() {
		time.Sleep(20 * time.Millisecond)
		total++ // blame: TestSpawn
	}()
}

func TestWait(t *testing.T) {
	time.Sleep(300 * time.Millisecond)
	if total < 0 { // blame: TestSpawn // bystander: TestWait
		t.Fatal("negative")
	}
}
