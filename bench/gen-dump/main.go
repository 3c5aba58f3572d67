// Command gen-dump starts a large number of goroutines in the shapes a busy Go service has (request
// handlers several frames deep blocked on locks, channels, select, condition variables, wait groups,
// sleeps and network reads; idle worker pools; background loops), then raises SIGQUIT on itself so the
// Go runtime prints every goroutine's stack to stderr. The benchmark and scale test parse that dump.
//
// Usage: GOTRACEBACK=all gen-dump [-n 200000] [-via quit|panic] 2> dump.log > dump.json
// Stdout gets one JSON line with the goroutine count the runtime reports just before the dump.
//
// -via quit (the default) raises SIGQUIT, as `kill -QUIT` on a hung service does. The runtime treats that
// as a runtime throw and prints at GOTRACEBACK=system level: runtime frames, "gp=.. m=.." in goroutine
// headers, "fp= sp= pc=" on frame lines, system goroutines and a register dump.
// -via panic panics in main instead: with GOTRACEBACK=all the runtime prints every goroutine at level 1,
// the shorter format of an ordinary crash log.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"example.com/shop/internal/api"
	"example.com/shop/internal/cache"
	"example.com/shop/internal/netio"
	"example.com/shop/internal/queue"
	"example.com/shop/internal/ready"
	"example.com/shop/internal/store"
)

// Job is a unit of background work.
type Job struct {
	ID      int
	Payload []byte
}

// shape is one kind of goroutine; weight is its share of the total.
type shape struct {
	name   string
	weight int
	// goroutines this shape starts per call of start.
	per   int
	start func(i int)
}

// Janitor sweeps expired sessions now and then.
type Janitor struct{ every time.Duration }

func (j *Janitor) loop() {
	ready.Done()
	for {
		time.Sleep(j.every)
		j.sweep()
	}
}

//go:noinline
func (j *Janitor) sweep() {}

// watchConfig waits for reload signals on a channel that was never made.
func watchConfig(reload chan struct{}) {
	ready.Done()
	for range reload {
		fmt.Println("config reloaded")
	}
}

func main() {
	n := flag.Int("n", 200000, "approximate number of goroutines to start")
	httpReqs := flag.Int("http", 500, "real net/http requests left hanging in a handler (each uses a TCP connection)")
	tcpConns := flag.Int("tcp", 1000, "TCP loopback connections with a reader blocked in IO wait")
	pipes := flag.Int("pipes", 100, "os.Pipe readers blocked in IO wait")
	seed := flag.Int64("seed", 1, "seed for the order in which shapes are started")
	via := flag.String("via", "quit", "how to make the runtime print the goroutines: quit (SIGQUIT) or panic")
	short := flag.Bool("short", false, "mostly short stacks: add goroutines started by main that block one to five frames deep")
	flag.Parse()
	if *via != "quit" && *via != "panic" {
		fmt.Fprintln(os.Stderr, "gen-dump: -via must be quit or panic")
		os.Exit(2)
	}
	debug.SetTraceback("all")

	db := store.NewDB()
	db.Stall()
	c := cache.New()
	c.Freeze()
	ctx := context.Background()

	// The index build never finishes, so every other caller of Cache.Index waits inside sync.Once.
	upstream := make(chan map[string]int)
	go c.Index(func() map[string]int { return <-upstream })

	events := queue.NewPool[*api.Event](16, func(e *api.Event) {
		_, _ = db.Query("INSERT INTO audit VALUES ($1, $2)", e.Kind, e.UserID)
	})
	events.Start(8)
	emails := queue.NewPool[string](0, func(string) {})
	sem := make(queue.Semaphore, 4)
	srv := api.NewServer(db, c, events, emails, sem)
	jobs := queue.NewPool[Job](64, func(j Job) {})
	var forwardIn chan Job
	forwardOut := make(chan Job)

	started := 0
	minReady := int64(0)
	request := func(method, path string) func(int) {
		return func(i int) {
			r := &api.Request{Method: method, Path: path, UserID: int64(1000 + i%5000), Ctx: ctx, Body: []byte("{}")}
			go srv.Serve(i, r)
		}
	}
	shapes := []shape{
		{"GET /orders (sync.Mutex.Lock)", 180, 1, request("GET", "/orders")},
		{"POST /orders (chan send)", 60, 1, request("POST", "/orders")},
		{"POST /orders/import (select)", 30, 1, request("POST", "/orders/import")},
		{"GET /users/me (select)", 80, 1, request("GET", "/users/me")},
		{"GET /cart (sync.RWMutex.RLock)", 70, 1, request("GET", "/cart")},
		{"PUT /cart (sync.Mutex.Lock in RWMutex.Lock)", 20, 1, request("PUT", "/cart")},
		{"POST /cart/checkout (chan send)", 40, 1, request("POST", "/cart/checkout")},
		{"GET /search (sync.Cond.Wait)", 50, 1, request("GET", "/search")},
		{"GET /search/suggest (sync.Once)", 20, 1, request("GET", "/search/suggest")},
		{"POST /reports (sync.WaitGroup.Wait + 2 shard queries)", 20, 3, request("POST", "/reports")},
		{"POST /export (semaphore chan send)", 30, 1, request("POST", "/export")},
		{"GET /healthz (sleep)", 30, 1, request("GET", "/healthz")},
		{"idle generic pool worker (chan receive)", 200, 1, func(int) { jobs.Start(1) }},
		{"batcher (select with ticker)", 30, 1, func(int) {
			b := queue.NewBatcher[Job](time.Hour, func([]Job) {})
			go b.Run(ctx)
		}},
		{"forwarder with nil channels (select)", 40, 1, func(int) { go queue.Forward[Job](ctx, forwardIn, forwardOut) }},
		{"janitor (sleep)", 20, 1, func(int) { go (&Janitor{every: time.Hour}).loop() }},
		{"config watcher (chan receive (nil chan))", 10, 1, func(int) { go watchConfig(nil) }},
		{"keepalive (select (no cases))", 5, 1, func(int) {
			go func() {
				ready.Done()
				select {}
			}()
		}},
		{"context waiter on context.Background (chan receive (nil chan))", 40, 1, func(int) {
			go func(ctx context.Context) {
				ready.Done()
				<-ctx.Done()
			}(context.WithoutCancel(ctx))
		}},
		{"pool drain (sync.WaitGroup.Wait)", 10, 1, func(int) { go jobs.Wait() }},
	}
	if *short {
		// About one goroutine in six keeps a request handler's deep stack, as in a service that is mostly idle.
		shapes = append(shapes, shortShapes(ctx)...)
	}
	// Connections and threads are limited resources: start a fixed number of those first.
	started += startTCP(*tcpConns)
	started += startPipes(*pipes)
	started += startHTTP(*httpReqs, srv)
	for i := 0; i < 4; i++ {
		go func() {
			runtime.LockOSThread()
			ready.Done()
			<-upstream
		}()
		started++
	}
	minReady = int64(started)

	// Interleave the shapes so goroutine ids of one shape are spread out, as in a real service.
	var cycle []int
	for si, s := range shapes {
		for k := 0; k < s.weight; k++ {
			cycle = append(cycle, si)
		}
	}
	rng := rand.New(rand.NewSource(*seed))
	rng.Shuffle(len(cycle), func(a, b int) { cycle[a], cycle[b] = cycle[b], cycle[a] })
	counts := make([]int, len(shapes))
	for i := 0; started < *n; i++ {
		si := cycle[i%len(cycle)]
		shapes[si].start(i)
		counts[si]++
		started += shapes[si].per
		minReady += int64(shapes[si].per)
	}

	// Wait until every goroutine has reached its blocking point, then let the last ones park.
	deadline := time.Now().Add(5 * time.Minute)
	for {
		before := ready.Count()
		time.Sleep(200 * time.Millisecond)
		after := ready.Count()
		if (after == before && after >= minReady) || time.Now().After(deadline) {
			break
		}
	}
	runtime.GC()
	time.Sleep(time.Second)

	perShape := map[string]int{}
	for si, s := range shapes {
		perShape[s.name] = counts[si] * s.per
	}
	out, _ := json.Marshal(map[string]any{
		"goroutines": runtime.NumGoroutine(),
		"goVersion":  runtime.Version(),
		"shapes":     perShape,
		"http":       *httpReqs,
		"tcp":        *tcpConns,
		"pipes":      *pipes,
		"via":        *via,
	})
	os.Stdout.Write(append(out, '\n'))
	if *via == "panic" {
		panic(fmt.Sprintf("gen-dump: printing %d goroutines", runtime.NumGoroutine()))
	}
	syscall.Kill(os.Getpid(), syscall.SIGQUIT)
	time.Sleep(time.Minute)
	fmt.Fprintln(os.Stderr, "gen-dump: SIGQUIT did not end the process")
	os.Exit(1)
}

// startTCP opens n loopback connections; the accepting side reads frames and blocks in IO wait.
func startTCP(n int) int {
	if n == 0 {
		return 0
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen-dump:", err)
		os.Exit(1)
	}
	accepted := make(chan struct{})
	go acceptLoop(ln, n, accepted)
	clients := make([]net.Conn, 0, n)
	for i := 0; i < n; i++ {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen-dump: dial:", err)
			os.Exit(1)
		}
		clients = append(clients, conn)
	}
	<-accepted
	keep = append(keep, clients)
	return n + 1
}

// keep holds the client ends of connections so they are not collected and closed.
var keep []any

func acceptLoop(ln net.Listener, n int, accepted chan<- struct{}) {
	for i := 0; ; i++ {
		if i == n {
			close(accepted)
			ready.Done()
		}
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go handleConn(conn)
	}
}

func handleConn(conn net.Conn) {
	defer conn.Close()
	err := netio.Consume(conn, func(f *netio.Frame) {})
	if err != nil && err != io.EOF {
		fmt.Println("conn:", err)
	}
}

// startPipes makes n pipes with a reader blocked on each.
func startPipes(n int) int {
	for i := 0; i < n; i++ {
		r, w, err := os.Pipe()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen-dump: pipe:", err)
			os.Exit(1)
		}
		keep = append(keep, w)
		go tailPipe(r)
	}
	return n
}

func tailPipe(r *os.File) {
	_ = netio.Consume(r, func(f *netio.Frame) {})
}

// startHTTP serves real HTTP requests whose handler waits on the stalled database, and sends n of them.
// Each request adds a client goroutine, the transport's read and write loops and the server's connection
// goroutine (plus its background reader).
func startHTTP(n int, srv *api.Server) int {
	if n == 0 {
		return 0
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen-dump:", err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/orders/{customer}", func(w http.ResponseWriter, r *http.Request) {
		var id int64
		fmt.Sscan(r.PathValue("customer"), &id)
		orders, err := srv.Orders.Find(id, 20)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(orders)
	})
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: time.Hour}
	go hs.Serve(ln)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	url := "http://" + ln.Addr().String() + "/api/orders/"
	for i := 0; i < n; i++ {
		go fetch(client, fmt.Sprint(url, i))
	}
	// Each request's handler calls ready.Done (in Query); the remaining goroutines settle on their own.
	return n
}

func fetch(client *http.Client, url string) {
	resp, err := client.Get(url)
	if err != nil {
		fmt.Println("fetch:", err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// shortShapes are goroutines that main starts directly and that block at once, one to five frames deep: the
// shape of a dump where most goroutines are idle workers and waiters, with far fewer bytes per goroutine than
// the request handlers above.
func shortShapes(ctx context.Context) []shape {
	work := make(chan Job)
	var mu sync.Mutex
	mu.Lock()
	var wg sync.WaitGroup
	wg.Add(1)
	cond := sync.NewCond(&sync.Mutex{})
	return []shape{
		{"idle worker (chan receive)", 1800, 1, func(int) { go idleWorker(work) }},
		{"waiter (select)", 675, 1, func(int) { go waitDone(ctx, work) }},
		{"sleeper (sleep)", 675, 1, func(int) { go sleeper() }},
		{"locker (sync.Mutex.Lock)", 675, 1, func(int) { go locker(&mu) }},
		{"joiner (sync.WaitGroup.Wait)", 450, 1, func(int) { go joiner(&wg) }},
		{"listener (sync.Cond.Wait)", 225, 1, func(int) { go listener(cond) }},
	}
}

func idleWorker(work <-chan Job) {
	ready.Done()
	for j := range work {
		_ = j
	}
}

func waitDone(ctx context.Context, work <-chan Job) {
	ready.Done()
	select {
	case <-ctx.Done():
	case <-work:
	}
}

func sleeper() {
	ready.Done()
	time.Sleep(time.Hour)
}

func locker(mu *sync.Mutex) {
	ready.Done()
	mu.Lock()
}

func joiner(wg *sync.WaitGroup) {
	ready.Done()
	wg.Wait()
}

func listener(cond *sync.Cond) {
	ready.Done()
	cond.L.Lock()
	cond.Wait()
	cond.L.Unlock()
}
