package main

import "sync"

var (
	mu       sync.Mutex // guards lastUser
	lastUser string
)

func setLastUser(name string) {
	mu.Lock()
	lastUser = name
	mu.Unlock()
}

func getLastUser() string {
	mu.Lock()
	defer mu.Unlock()
	return lastUser
}

func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); setLastUser("alice") }()
	go func() { defer wg.Done(); setLastUser("bob") }()
	_ = getLastUser()
	wg.Wait()
}
