// Slicing a string with low > high.
package main

import (
	"fmt"
	"strings"
)

func between(s, open, close string) string {
	i := strings.Index(s, open)
	j := strings.Index(s, close)
	return s[i+1 : j] // culprit
}

func main() {
	fmt.Println(between("a)b(c", "(", ")"))
}
