// json.Marshal walks a shared map while another goroutine writes it.
package main

import (
	"encoding/json"
	"strconv"
)

type Snapshot struct {
	Counters map[string]int `json:"counters"`
}

func main() {
	snap := &Snapshot{Counters: map[string]int{}}
	for i := 0; i < 32; i++ {
		snap.Counters["c"+strconv.Itoa(i)] = i
	}
	go func() {
		for i := 0; ; i++ {
			snap.Counters["c"+strconv.Itoa(i%32)] = i // culprit
		}
	}()
	for {
		if _, err := json.Marshal(snap); err != nil { // culprit
			panic(err)
		}
	}
}
