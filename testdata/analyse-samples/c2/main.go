package main

import (
	"maps"
	"os"
	"runtime"
	"sync"
)

func main() {
	switch os.Args[1] {
	case "goexit":
		go func() {}()
		runtime.Goexit() // culprit: goexit
	case "clone":
		m := map[int]int{}
		for i := 0; i < 1000; i++ {
			m[i] = i
		}
		go func() {
			for i := 0; ; i++ {
				m[i%1000] = i
			}
		}()
		for {
			_ = maps.Clone(m) // culprit: clone
		}
	case "wgreuse":
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			go func() {
				for {
					wg.Wait() // culprit: wgreuse
				}
			}()
		}
		for {
			wg.Add(1)
			wg.Done()
		}
	case "wgmisuse":
		for {
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { wg.Done() }()
			go func() { wg.Add(1); wg.Done() }() // culprit: wgmisuse-add
			wg.Wait() // culprit: wgmisuse-wait
		}
	}
}
