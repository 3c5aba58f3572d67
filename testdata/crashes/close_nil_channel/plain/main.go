// A channel variable that was never made is closed.
package main

func main() {
	var stop chan bool
	close(stop) // culprit
}
