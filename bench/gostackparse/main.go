// Command gostackparse-bench parses a goroutine dump with DataDog/gostackparse, for the explain benchmark to
// compare against. It also groups goroutines with the same state and stack (function, file and line of every
// frame and of `created by`), as goroscope does, and prints counts so the work cannot be optimised away.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/DataDog/gostackparse"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gostackparse-bench FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer f.Close()
	goroutines, errs := gostackparse.Parse(bufio.NewReaderSize(f, 1<<20))
	frames := 0
	buckets := map[string]int{}
	var key strings.Builder
	for _, g := range goroutines {
		frames += len(g.Stack)
		key.Reset()
		key.WriteString(g.State)
		for _, fr := range g.Stack {
			key.WriteByte('\n')
			key.WriteString(fr.Func)
			key.WriteByte(' ')
			key.WriteString(fr.File)
			key.WriteByte(':')
			key.WriteString(strconv.Itoa(fr.Line))
		}
		if g.CreatedBy != nil {
			key.WriteString("\nby ")
			key.WriteString(g.CreatedBy.Func)
			key.WriteByte(' ')
			key.WriteString(g.CreatedBy.File)
			key.WriteByte(':')
			key.WriteString(strconv.Itoa(g.CreatedBy.Line))
		}
		buckets[key.String()]++
	}
	fmt.Printf("goroutines %d frames %d groups %d errors %d\n", len(goroutines), frames, len(buckets), len(errs))
	if len(errs) > 0 {
		fmt.Printf("first error: %v\n", errs[0])
	}
}
