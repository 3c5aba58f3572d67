// A value is asserted to an interface it does not implement.
package main

import "fmt"

type Closer interface {
	Close() error
}

type File struct {
	name string
}

func (f File) Name() string { return f.name }

func shutdown(v interface{}) {
	c := v.(Closer) // culprit
	fmt.Println(c.Close())
}

func main() {
	shutdown(File{name: "log"})
}
