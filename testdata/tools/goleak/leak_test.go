// goleak reports the goroutine startPoller leaves behind: VerifyNone runs when the test returns.
package goleak_test

import (
	"testing"

	"go.uber.org/goleak"
)

func startPoller(stop <-chan struct{}) {
	go func() {
		<-stop // culprit
	}()
}

func TestPollerStops(t *testing.T) {
	defer goleak.VerifyNone(t)
	startPoller(make(chan struct{}))
}
