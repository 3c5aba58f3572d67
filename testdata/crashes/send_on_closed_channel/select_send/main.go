// A send inside a select panics even though another case could proceed.
package main

import "time"

func main() {
	events := make(chan string, 4)
	close(events)
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	select { // culprit
	case events <- "started":
	case <-tick.C:
	}
}
