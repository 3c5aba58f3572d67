// Goroutines started by tests: tests that run one after another never run their goroutines at the same time,
// parallel tests do. The cases are the tests themselves (hooks_test.go); this file holds what they share.
package sequentialtests

// inTurn is written by goroutines of tests that run in turn (TestInTurn*): no race.
var inTurn int

// atOnce is written by goroutines of parallel tests (TestAtOnce*): a race.
var atOnce int
