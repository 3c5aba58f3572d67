// A sharding goroutine takes a key modulo a shard count of zero.
package main

import "fmt"

func shard(key, shards int, out chan<- int) {
	out <- key % shards // culprit
}

func main() {
	out := make(chan int)
	var shards int
	go shard(42, shards, out)
	fmt.Println(<-out)
}
