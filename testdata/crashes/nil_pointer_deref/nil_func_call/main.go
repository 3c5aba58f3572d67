// A callback field that was never set is called.
package main

type Hooks struct {
	OnStart func(name string)
}

func start(h Hooks, name string) {
	h.OnStart(name) // culprit
}

func main() {
	start(Hooks{}, "job")
}
