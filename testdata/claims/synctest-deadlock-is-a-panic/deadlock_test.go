// Claim: when every goroutine in a testing/synctest bubble is durably blocked, synctest.Test panics with
// "deadlock: all goroutines in bubble are blocked" (a panic, not the runtime's fatal deadlock error); the
// testing package reports the test as failed and re-panics.
//
// go: >=1.25
// expect: exit=2 stdout~="^--- FAIL: TestBlockedForever" stderr~="^panic: deadlock: all goroutines in bubble are blocked" stderr!~="fatal error"
package claims

import (
	"testing"
	"testing/synctest"
)

func TestBlockedForever(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan int)
		<-ch // nothing in the bubble will ever send
	})
}
