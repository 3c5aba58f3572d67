package worker

import "testing"

func TestFetch(t *testing.T) {
	if got := Fetch(); got < 0 {
		t.Fatal(got)
	}
}

func TestPoll(t *testing.T) {
	StartPoller()
}
