// Claim: receiving from a nil channel does not panic; it blocks forever. When nothing else can run, the
// runtime reports the fatal error "all goroutines are asleep - deadlock!" (which recover() cannot stop)
// with the goroutine in state "chan receive (nil chan)".
//
// expect: exit=2 stderr~="^fatal error: all goroutines are asleep - deadlock!$" stderr~="^goroutine 1 \[chan receive \(nil chan\)\]:$" stderr!~="^panic:" stdout!~="recovered"
package main

import "fmt"

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	var ch chan int
	<-ch
}
