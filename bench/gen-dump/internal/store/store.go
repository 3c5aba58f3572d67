// Package store is a pretend database layer: a connection pool, a global lock taken by every query, and
// repositories that call into it, like the data layer under an HTTP service.
package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"example.com/shop/internal/ready"
)

// ErrNoConn is returned when the caller gives up waiting for a pooled connection.
var ErrNoConn = errors.New("store: no connection")

// DB serialises queries behind one mutex and hands out pooled connections.
type DB struct {
	mu      sync.Mutex
	conns   chan *Conn
	queries int
}

// Conn is a pooled connection.
type Conn struct{ id int }

// Order is a row of the orders table.
type Order struct {
	ID, CustomerID int64
	Total          float64
}

// NewDB makes a DB whose pool is already drained, so every Acquire waits.
func NewDB() *DB { return &DB{conns: make(chan *Conn)} }

// Stall takes the query lock and never gives it back: the stuck transaction every query queues behind.
func (db *DB) Stall() { db.mu.Lock() }

// Query runs one statement under the query lock.
func (db *DB) Query(query string, args ...any) (int, error) {
	ready.Done()
	db.mu.Lock()
	defer db.mu.Unlock()
	db.queries++
	return len(query) + len(args), nil
}

// Acquire waits for a pooled connection or for ctx to end.
func (db *DB) Acquire(ctx context.Context) (*Conn, error) {
	ready.Done()
	select {
	case c := <-db.conns:
		return c, nil
	case <-ctx.Done():
		return nil, ErrNoConn
	}
}

// Tx runs fn inside a transaction on a pooled connection.
func (db *DB) Tx(ctx context.Context, fn func(*Conn) error) error {
	c, err := db.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	return fn(c)
}

// OrderRepo reads and writes orders.
type OrderRepo struct{ DB *DB }

// Find lists a customer's orders.
func (r *OrderRepo) Find(customerID int64, limit int) ([]Order, error) {
	n, err := r.DB.Query("SELECT id, total FROM orders WHERE customer_id = $1 LIMIT $2", customerID, limit)
	if err != nil {
		return nil, err
	}
	return make([]Order, 0, n%8), nil
}

// Insert stores an order inside a transaction.
func (r *OrderRepo) Insert(ctx context.Context, o *Order) error {
	return r.DB.Tx(ctx, func(c *Conn) error {
		_, err := r.DB.Query("INSERT INTO orders VALUES ($1, $2, $3)", o.ID, o.CustomerID, o.Total)
		return err
	})
}

// UserRepo reads users.
type UserRepo struct{ DB *DB }

// User is a row of the users table.
type User struct {
	ID   int64
	Name string
}

// ByID loads one user on a pooled connection.
func (r *UserRepo) ByID(ctx context.Context, id int64) (*User, error) {
	c, err := r.DB.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	return &User{ID: id, Name: fmt.Sprint("user-", c.id)}, nil
}
