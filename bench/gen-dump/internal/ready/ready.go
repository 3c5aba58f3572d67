// Package ready counts goroutines that have reached the point where they block, so that main raises
// SIGQUIT only once every goroutine shows its final wait state.
package ready

import "sync/atomic"

var arrived atomic.Int64

// Done is called by a goroutine just before it blocks for good.
func Done() { arrived.Add(1) }

// Count is how many goroutines have called Done.
func Count() int64 { return arrived.Load() }
