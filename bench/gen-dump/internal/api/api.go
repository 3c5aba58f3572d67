// Package api is the request-handling layer: a router, middleware closures and handlers that call into the
// store, cache and queues. Server.Serve plays the part of a connection goroutine of an HTTP server.
package api

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"example.com/shop/internal/cache"
	"example.com/shop/internal/queue"
	"example.com/shop/internal/ready"
	"example.com/shop/internal/store"
)

// Request is one incoming call.
type Request struct {
	Method, Path string
	UserID       int64
	Body         []byte
	Ctx          context.Context
}

// Handler serves a request.
type Handler interface {
	Serve(r *Request) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(r *Request) error

// Serve calls f.
func (f HandlerFunc) Serve(r *Request) error { return f(r) }

// ErrUnauthorized is returned for requests without a user.
var ErrUnauthorized = errors.New("api: unauthorized")

// WithAuth rejects anonymous requests.
func WithAuth(next Handler) Handler {
	return HandlerFunc(func(r *Request) error {
		if r.UserID == 0 {
			return ErrUnauthorized
		}
		return next.Serve(r)
	})
}

// WithLogging times each request.
func WithLogging(next Handler, slow time.Duration) Handler {
	return HandlerFunc(func(r *Request) error {
		start := time.Now()
		err := next.Serve(r)
		if d := time.Since(start); d > slow {
			fmt.Println("slow request", r.Method, r.Path, d)
		}
		return err
	})
}

// WithRecover turns a panic into an error.
func WithRecover(next Handler) Handler {
	return HandlerFunc(func(r *Request) (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("panic: %v", v)
			}
		}()
		return next.Serve(r)
	})
}

// Router maps "METHOD path" to handlers.
type Router struct {
	routes map[string]Handler
}

// Handle registers h.
func (rt *Router) Handle(method, path string, h Handler) {
	if rt.routes == nil {
		rt.routes = map[string]Handler{}
	}
	rt.routes[method+" "+path] = h
}

// Route finds the handler for r and runs it.
func (rt *Router) Route(r *Request) error {
	h, ok := rt.routes[r.Method+" "+r.Path]
	if !ok {
		return fmt.Errorf("no route for %s %s", r.Method, r.Path)
	}
	return h.Serve(r)
}

// Server owns the router and the services behind it.
type Server struct {
	Router *Router
	DB     *store.DB
	Cache  *cache.Cache
	Orders *store.OrderRepo
	Users  *store.UserRepo
	Events *queue.Pool[*Event]
	Emails *queue.Pool[string]
	Sem    queue.Semaphore
	mu     sync.Mutex
	served int
}

// Event is an audit event.
type Event struct {
	Kind   string
	UserID int64
	At     time.Time
}

// Serve handles one request the way a connection goroutine would.
func (s *Server) Serve(connID int, r *Request) {
	if err := s.dispatch(r); err != nil {
		fmt.Println("conn", connID, "error:", err)
	}
	s.mu.Lock()
	s.served++
	s.mu.Unlock()
}

//go:noinline
func (s *Server) dispatch(r *Request) error {
	return s.Router.Route(r)
}

// OrderHandler serves /orders.
type OrderHandler struct{ S *Server }

// List returns the user's orders.
func (h *OrderHandler) List(r *Request) error {
	orders, err := h.S.Orders.Find(r.UserID, 50)
	if err != nil {
		return err
	}
	_ = orders
	return nil
}

// Create queues an audit event, then stores the order.
func (h *OrderHandler) Create(r *Request) error {
	h.S.Events.Submit(&Event{Kind: "order.created", UserID: r.UserID, At: time.Now()})
	return h.S.Orders.Insert(r.Ctx, &store.Order{ID: time.Now().UnixNano(), CustomerID: r.UserID, Total: 9.99})
}

// Import stores a batch of orders.
func (h *OrderHandler) Import(r *Request) error {
	for i := range r.Body {
		o := &store.Order{ID: int64(i), CustomerID: r.UserID, Total: float64(r.Body[i])}
		if err := h.S.Orders.Insert(r.Ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// UserHandler serves /users.
type UserHandler struct{ S *Server }

// Get loads a user.
func (h *UserHandler) Get(r *Request) error {
	u, err := h.S.Users.ByID(r.Ctx, r.UserID)
	if err != nil {
		return err
	}
	_ = u
	return nil
}

// CartHandler serves /cart.
type CartHandler struct{ S *Server }

// Show reads the cart from the cache.
func (h *CartHandler) Show(r *Request) error {
	if _, ok := h.S.Cache.Get(fmt.Sprint("cart:", r.UserID)); !ok {
		return nil
	}
	return nil
}

// Update writes the cart to the cache.
func (h *CartHandler) Update(r *Request) error {
	h.S.Cache.Set(fmt.Sprint("cart:", r.UserID), r.Body)
	return nil
}

// Checkout charges the card and queues a receipt email.
func (h *CartHandler) Checkout(r *Request) error {
	if err := h.charge(r.UserID, 42.0); err != nil {
		return err
	}
	h.S.Emails.Submit(fmt.Sprint("receipt:", r.UserID))
	return nil
}

//go:noinline
func (h *CartHandler) charge(userID int64, amount float64) error {
	if userID < 0 || amount < 0 {
		return errors.New("bad charge")
	}
	return nil
}

// SearchHandler serves /search.
type SearchHandler struct{ S *Server }

// Query waits for the index, then searches it.
func (h *SearchHandler) Query(r *Request) error {
	h.S.Cache.WaitFilled()
	return nil
}

// Suggest uses the lazily built index.
func (h *SearchHandler) Suggest(r *Request) error {
	idx := h.S.Cache.Index(func() map[string]int { return map[string]int{} })
	_ = idx
	return nil
}

// ReportHandler serves /reports.
type ReportHandler struct{ S *Server }

// Generate fans out one query per shard and waits for all of them.
func (h *ReportHandler) Generate(r *Request) error {
	var wg sync.WaitGroup
	results := make(chan int)
	for shard := 0; shard < 2; shard++ {
		wg.Add(1)
		go func(shard int) {
			defer wg.Done()
			n, _ := h.S.DB.Query("SELECT count(*) FROM orders_shard_$1", shard)
			results <- n
		}(shard)
	}
	ready.Done()
	wg.Wait()
	close(results)
	return nil
}

// ExportHandler serves /export.
type ExportHandler struct{ S *Server }

// Run takes a slot of the export semaphore, then reads the orders to export.
func (h *ExportHandler) Run(r *Request) error {
	h.S.Sem.Acquire()
	defer h.S.Sem.Release()
	_, err := h.S.Orders.Find(r.UserID, 10000)
	return err
}

// HealthHandler serves /healthz by polling a dependency with backoff.
type HealthHandler struct{ S *Server }

// Check retries until the dependency answers.
func (h *HealthHandler) Check(r *Request) error {
	return retry(5, time.Hour, func() error { return errors.New("upstream not ready") })
}

func retry(attempts int, backoff time.Duration, fn func() error) error {
	var err error
	for i := 0; i < attempts; i++ {
		if err = fn(); err == nil {
			return nil
		}
		if i == 0 {
			ready.Done()
		}
		time.Sleep(backoff)
	}
	return err
}

// NewServer wires the routes.
func NewServer(db *store.DB, c *cache.Cache, events *queue.Pool[*Event], emails *queue.Pool[string], sem queue.Semaphore) *Server {
	s := &Server{Router: &Router{}, DB: db, Cache: c, Orders: &store.OrderRepo{DB: db}, Users: &store.UserRepo{DB: db},
		Events: events, Emails: emails, Sem: sem}
	orders := &OrderHandler{S: s}
	users := &UserHandler{S: s}
	cart := &CartHandler{S: s}
	search := &SearchHandler{S: s}
	reports := &ReportHandler{S: s}
	export := &ExportHandler{S: s}
	health := &HealthHandler{S: s}
	slow := 500 * time.Millisecond
	std := func(h HandlerFunc) Handler { return WithRecover(WithLogging(WithAuth(h), slow)) }
	s.Router.Handle("GET", "/orders", std(orders.List))
	s.Router.Handle("POST", "/orders", std(orders.Create))
	s.Router.Handle("POST", "/orders/import", WithLogging(HandlerFunc(orders.Import), slow))
	s.Router.Handle("GET", "/users/me", std(users.Get))
	s.Router.Handle("GET", "/cart", WithAuth(HandlerFunc(cart.Show)))
	s.Router.Handle("PUT", "/cart", std(cart.Update))
	s.Router.Handle("POST", "/cart/checkout", std(cart.Checkout))
	s.Router.Handle("GET", "/search", WithLogging(HandlerFunc(search.Query), slow))
	s.Router.Handle("GET", "/search/suggest", HandlerFunc(search.Suggest))
	s.Router.Handle("POST", "/reports", std(reports.Generate))
	s.Router.Handle("POST", "/export", std(export.Run))
	s.Router.Handle("GET", "/healthz", HandlerFunc(health.Check))
	return s
}
