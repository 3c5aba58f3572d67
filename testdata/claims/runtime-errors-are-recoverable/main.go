// Claim: nil pointer dereference, index and slice bounds errors, integer division by zero and failed type
// assertions are run-time panics (runtime.Error values) that recover() catches; their messages are
// printed below exactly as the runtime words them.
//
// expect: exit=0 stdout~="^nil_pointer_deref: runtime error: invalid memory address or nil pointer dereference \(runtime.Error=true\)$" stdout~="^index_out_of_range: runtime error: index out of range \[5\] with length 3 \(runtime.Error=true\)$" stdout~="^slice_bounds_out_of_range: runtime error: slice bounds out of range \[:5\] with capacity 3 \(runtime.Error=true\)$" stdout~="^divide_by_zero: runtime error: integer divide by zero \(runtime.Error=true\)$" stdout~="^type_assertion: interface conversion: interface \{\} is string, not int \(runtime.Error=true\)$"
package main

import (
	"fmt"
	"runtime"
)

type point struct{ x int }

func try(kind string, f func()) {
	defer func() {
		r := recover()
		_, isRuntimeError := r.(runtime.Error)
		fmt.Printf("%s: %v (runtime.Error=%v)\n", kind, r, isRuntimeError)
	}()
	f()
}

func main() {
	var p *point
	s := []int{1, 2, 3}
	i, zero := 5, 0
	var v any = "text"
	try("nil_pointer_deref", func() { fmt.Println(p.x) })
	try("index_out_of_range", func() { fmt.Println(s[i]) })
	try("slice_bounds_out_of_range", func() { fmt.Println(s[:i]) })
	try("divide_by_zero", func() { fmt.Println(i / zero) })
	try("type_assertion", func() { fmt.Println(v.(int)) })
}
