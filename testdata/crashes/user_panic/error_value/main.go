// An unexpected error is passed to panic.
package main

import (
	"os"
)

func mustOpen(path string) *os.File {
	f, err := os.Open(path)
	if err != nil {
		panic(err) // culprit
	}
	return f
}

func main() {
	mustOpen("/nonexistent/goroscope/config.yaml")
}
