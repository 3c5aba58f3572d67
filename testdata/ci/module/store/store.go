// Package store holds a bug goroscope lint finds.
package store

// Tally counts words, but its map is never made.
func Tally(words []string) map[string]int {
	var counts map[string]int
	for _, w := range words {
		counts[w]++ // want "nil-map-write"
	}
	return counts
}

// Len is correct.
func Len(words []string) int { return len(words) }
