// A program that fails one run in a few: x/tools/cmd/stress runs it until it does.
package main

import (
	"fmt"
	"math/rand"
	"os"
)

func check(n int) {
	if n%3 == 0 {
		panic(fmt.Sprintf("unexpected remainder for %d", n)) // culprit
	}
}

func main() {
	check(rand.Intn(1000))
	fmt.Fprintln(os.Stdout, "ok")
}
