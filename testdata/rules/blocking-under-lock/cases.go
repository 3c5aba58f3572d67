// Package blockingunderlock holds cases for the blocking-under-lock rule. Pos* cases are bugs and carry a want marker on the
// line the rule must report; Neg* cases are correct code and must stay quiet (and run clean under -race).
package blockingunderlock

func PosTodo() {
	// TODO: the smallest program with the bug; mark the reported line: // want "blocking-under-lock: message regexp"
}

func NegTodo() {
	// TODO: the same code, correct.
}
