// A String method formats its own receiver with %v, calling itself forever.
package main

import "fmt"

type Celsius float64

func (c Celsius) String() string {
	return fmt.Sprintf("%v C", c) // culprit
}

func main() {
	fmt.Println(Celsius(21.5))
}
