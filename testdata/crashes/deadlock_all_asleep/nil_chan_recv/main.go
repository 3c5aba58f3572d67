// Receiving from a channel that was never made blocks forever.
package main

type Pipeline struct {
	results chan string
}

func main() {
	p := &Pipeline{}
	<-p.results // culprit
}
