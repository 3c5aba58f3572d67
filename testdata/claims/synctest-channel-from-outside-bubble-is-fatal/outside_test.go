// Claim: a channel created in a testing/synctest bubble belongs to it: a send, receive, close or select on it
// from a goroutine outside the bubble is a fatal error ("fatal error: send on synctest channel from outside
// bubble"), so a deferred recover() in that goroutine never runs.
//
// go: >=1.25
// expect: exit=2 stderr~="^fatal error: send on synctest channel from outside bubble" stdout!~="recovered" stderr!~="recovered"
package claims

import (
	"fmt"
	"testing"
	"testing/synctest"
)

func TestSendFromOutside(t *testing.T) {
	var ch chan int
	synctest.Test(t, func(t *testing.T) {
		ch = make(chan int, 1)
	})
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	ch <- 1
}
