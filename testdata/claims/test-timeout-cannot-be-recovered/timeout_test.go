// Claim: when go test's -timeout expires, the testing package panics with "test timed out after <d>"
// from its own goroutine, so a deferred recover() in the stuck test does not catch it; the message lists the
// running tests (Go >= 1.20; indented by a tab from Go 1.23, like every multi-line panic value) and every
// goroutine is printed, the stuck one included.
//
// go: >=1.20
// args: -test.timeout=1s
// timeout: 10s
// expect: exit=2 stderr~="^panic: test timed out after 1s$" stderr~="^\t?running tests:$" stderr~="^\t{1,2}TestStuck \(\d+s\)$" stderr~="^goroutine \d+ \[chan receive\]:$" stdout!~="recovered"
package claims

import (
	"fmt"
	"testing"
)

func TestStuck(t *testing.T) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	never := make(chan int)
	<-never
}
