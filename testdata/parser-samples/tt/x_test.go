package x

import (
	"fmt"
	"testing"
	"time"
)

func TestFast(t *testing.T) { fmt.Println("fast output") }

func TestSlow(t *testing.T) {
	time.Sleep(10 * time.Second) // L12
}
