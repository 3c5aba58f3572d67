package helper

import (
	"testing"
	"time"
)

func TestStart(t *testing.T) {
	startWorker()
}

func TestCheck(t *testing.T) {
	time.Sleep(300 * time.Millisecond)
	if ticks > 1 { // blame: TestStart // bystander: TestCheck
		t.Fatal("too many ticks")
	}
}
