// Keeps every chunk it allocates; the recorder caps address space with ulimit -v.
package main

import "fmt"

func main() {
	var kept [][]byte
	for i := 0; ; i++ {
		chunk := make([]byte, 64<<20) // culprit
		for j := 0; j < len(chunk); j += 4096 {
			chunk[j] = byte(i)
		}
		kept = append(kept, chunk)
		if i%8 == 0 {
			fmt.Println("allocated", (i+1)*64, "MiB")
		}
	}
}
