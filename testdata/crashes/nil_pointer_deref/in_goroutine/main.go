// A goroutine dereferences a nil pointer it was handed.
package main

import (
	"fmt"
	"sync"
)

type Request struct {
	Path string
}

func handle(r *Request, wg *sync.WaitGroup) {
	if len(r.Path) > 100 { // culprit
		fmt.Println("long path")
	}
	wg.Done()
}

func main() {
	var wg sync.WaitGroup
	reqs := []*Request{{Path: "/"}, nil}
	for _, r := range reqs {
		wg.Add(1)
		go handle(r, &wg)
	}
	wg.Wait()
}
