// A recursive walk with a missing base case.
package main

import "fmt"

type Node struct {
	Next *Node
	Val  int
}

func depth(n *Node) int {
	return 1 + depth(n.Next) // culprit
}

func main() {
	n := &Node{}
	n.Next = n
	fmt.Println(depth(n))
}
