package st24

import (
	"testing"
	"testing/synctest"
)

func TestBubble(t *testing.T) {
	synctest.Run(func() { // culprit: run
		ch := make(chan int)
		go func() {
			ch <- 1 // culprit: helper
		}()
		<-make(chan int) // culprit: synctest
	})
}
