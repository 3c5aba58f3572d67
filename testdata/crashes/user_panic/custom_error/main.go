// A custom error type is panicked with; its Error method is used in the message.
package main

import "fmt"

type ValidationError struct {
	Field string
	Value int
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %d", e.Field, e.Value)
}

func validate(age int) {
	if age < 0 {
		panic(&ValidationError{Field: "age", Value: age}) // culprit
	}
}

func main() {
	validate(-3)
}
