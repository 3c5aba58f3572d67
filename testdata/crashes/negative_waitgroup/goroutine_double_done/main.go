// A worker calls Done on its error path and then again on the way out.
package main

import (
	"errors"
	"fmt"
	"sync"
)

func fetch(url string, wg *sync.WaitGroup) {
	err := errors.New("fetch " + url + ": connection refused")
	if err != nil {
		fmt.Println(err)
		wg.Done()
	}
	wg.Done() // culprit
}

func main() {
	var wg sync.WaitGroup
	wg.Add(1)
	go fetch("http://127.0.0.1:1/", &wg)
	wg.Wait()
	select {}
}
