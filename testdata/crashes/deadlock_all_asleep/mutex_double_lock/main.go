// A method that holds the lock calls another method that takes it again.
package main

import "sync"

type Account struct {
	mu      sync.Mutex
	balance int
}

func (a *Account) Balance() int {
	a.mu.Lock() // culprit
	defer a.mu.Unlock()
	return a.balance
}

func (a *Account) Deposit(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Balance()+n > 0 {
		a.balance += n
	}
}

func main() {
	a := &Account{}
	a.Deposit(10)
}
