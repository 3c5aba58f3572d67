package tt

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func waitForever(mu *sync.Mutex) {
	mu.Lock() // culprit: timeout
}

func TestHang(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	waitForever(&mu)
}

func TestQuick(t *testing.T) {
	time.Sleep(time.Millisecond)
}

func TestBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan int)
		go func() {
			ch <- 1 // culprit: synctest-helper
		}()
		time.Sleep(time.Millisecond)
		<-make(chan int) // culprit: synctest
		_ = ch
	})
}

func TestBubbleExit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		go func() {
			<-make(chan int) // culprit: synctest-exit
		}()
	})
}
