// main parks in an empty select after its only worker has finished.
package main

import "fmt"

func main() {
	done := make(chan bool)
	go func() {
		fmt.Println("worker finished")
		done <- true
	}()
	<-done
	select {} // culprit
}
