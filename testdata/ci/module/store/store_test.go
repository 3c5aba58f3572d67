package store

import (
	"os"
	"strconv"
	"testing"
)

func TestStable(t *testing.T) {
	if Len([]string{"a", "b"}) != 2 {
		t.Fatal("Len")
	}
}

// TestFlaky fails on every second run: it counts its runs in the file $GOROSCOPE_FLAKY_COUNTER names.
func TestFlaky(t *testing.T) {
	path := os.Getenv("GOROSCOPE_FLAKY_COUNTER")
	if path == "" {
		return
	}
	data, _ := os.ReadFile(path)
	n, _ := strconv.Atoi(string(data))
	n++
	if err := os.WriteFile(path, []byte(strconv.Itoa(n)), 0o644); err != nil {
		t.Fatal(err)
	}
	if n%2 == 0 {
		t.Errorf("run %d: even runs fail", n)
	}
}
