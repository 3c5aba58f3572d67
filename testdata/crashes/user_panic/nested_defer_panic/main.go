// While a panic unwinds, a deferred cleanup function panics too.
package main

import "errors"

func cleanup() {
	panic(errors.New("cleanup failed")) // culprit
}

func process() {
	defer cleanup()
	panic("process failed")
}

func main() {
	process()
}
