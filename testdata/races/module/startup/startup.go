// Package startup warms a counter in the background when tests start.
package startup

var Warmed int
