package main

func publish(batch []int, out chan<- []int) {
	snapshot := append([]int(nil), batch...) // the receiver owns the copy
	out <- snapshot
}

func main() {
	batch := []int{1, 2, 3}
	out := make(chan []int, 1)
	done := make(chan bool)
	go func() {
		got := <-out
		got[0] = 9
		done <- true
	}()
	publish(batch, out)
	batch[0] = 7 // the caller keeps using its slice
	<-done
}
