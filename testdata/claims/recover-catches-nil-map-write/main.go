// Claim: writing to a nil map is an ordinary run-time panic (a runtime.Error) that a deferred recover()
// catches; reading from a nil map is allowed and yields the zero value.
//
// expect: exit=0 stdout~="^read from nil map: 0$" stdout~="^recovered: assignment to entry in nil map \(runtime.Error=true\)$"
package main

import (
	"fmt"
	"runtime"
)

func main() {
	var m map[string]int
	fmt.Println("read from nil map:", m["missing"])
	defer func() {
		r := recover()
		_, isRuntimeError := r.(runtime.Error)
		fmt.Printf("recovered: %v (runtime.Error=%v)\n", r, isRuntimeError)
	}()
	m["a"] = 1
}
