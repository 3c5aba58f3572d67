// A goroutine indexes a fixed-size array with an index computed at run time.
package main

import "os"

var buckets [8]int

func record(n int, done chan<- bool) {
	buckets[n]++ // culprit
	done <- true
}

func main() {
	done := make(chan bool)
	go record(len(os.Args)+9, done)
	<-done
}
