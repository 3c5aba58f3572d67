package startup

import (
	"os"
	"testing"
	"time"
)

func TestMain(m *testing.M) { // race-test: warm (TestMain is no test: reported outside test execution)
	done := make(chan bool)
	go func() {
		Warmed = 1 // race: warm
		done <- true
	}()
	Warmed = 2 // race: warm
	<-done
	time.Sleep(time.Millisecond)
	os.Exit(m.Run())
}

func TestWarm(t *testing.T) {
	if Warmed == 0 {
		t.Fatal("not warmed")
	}
}
