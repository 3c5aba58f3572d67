// A worker built without its done channel closes it when finished.
package main

type Worker struct {
	name string
	done chan struct{}
}

func (w *Worker) Finish() {
	close(w.done) // culprit
}

func main() {
	w := &Worker{name: "indexer"}
	w.Finish()
}
