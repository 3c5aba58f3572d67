// Package crashy has a test whose goroutine crashes the test binary.
package crashy

// Record stores a value in a map it is given.
func Record(m map[string]int, key string) {
	m[key] = 1 // culprit
}
