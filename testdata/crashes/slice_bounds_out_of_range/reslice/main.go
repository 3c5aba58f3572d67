// A header parser slices past the end of a short buffer.
package main

import "fmt"

func header(buf []byte) []byte {
	return buf[:16] // culprit
}

func main() {
	buf := make([]byte, 4, 8)
	fmt.Printf("%x\n", header(buf))
}
