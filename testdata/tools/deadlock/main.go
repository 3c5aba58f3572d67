// go-deadlock reports two transfers that take the same two locks in opposite orders.
package main

import (
	"time"

	"github.com/sasha-s/go-deadlock"
)

type Account struct {
	mu      deadlock.Mutex
	balance int
}

func transfer(from, to *Account, amount int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	time.Sleep(10 * time.Millisecond)
	to.mu.Lock() // culprit
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

func main() {
	deadlock.Opts.DeadlockTimeout = 500 * time.Millisecond
	a, b := &Account{balance: 100}, &Account{balance: 100}
	go transfer(a, b, 1)
	go transfer(b, a, 1)
	time.Sleep(5 * time.Second)
}
