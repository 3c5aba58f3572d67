// The catalogue of failure kinds: the one place where a kind's title, explanation, fixes and links are
// written. Every output format and the docs pages (scripts/gen-docs.mjs) read it.
//
// Every statement about Go behaviour here was checked against the Go runtime and sync sources of the versions
// named (toolchains 1.6.4 to 1.26.8) and, where testdata/claims has a program for it, by running that program;
// `proof` names those programs. Fix snippets are Go declarations without package clause or imports (see
// snippets.ts); test/knowledge.test.ts compiles and vets every one.

import type { CodeFix, CrashKind, DocLink } from '../model.js';
import { goCode } from './snippets.js';

/** One message the Go runtime (or the sync/testing package) prints for a kind. */
export interface KindMessage {
  /** The line exactly as printed; `<...>` marks a value filled in at run time. */
  text: string;
  /** Printed as "fatal error:" (or alongside one): the program ends without running deferred calls. */
  fatal: boolean;
  /** The Go versions whose sources print this text, e.g. ">=1.6", "1.8, >=1.10". */
  goVersions: string;
}

export interface KindEntry {
  kind: CrashKind;
  title: string;
  /** One line. */
  summary: string;
  messages: KindMessage[];
  /** Whether a deferred recover() in the failing goroutine can stop it on current Go. */
  recoverable: boolean | 'depends';
  /** A short paragraph; says whether recover() can catch it and why. */
  explanation: string;
  causes: string[];
  fixes: CodeFix[];
  links: DocLink[];
  /** Repository path of the generated docs page. */
  docsPath: string;
  /** testdata/claims programs that demonstrate the claims made here. */
  proof: string[];
}

const claim = (name: string): string => `testdata/claims/${name}`;

// ---- links used by several kinds ----

const L = {
  specMaps: { title: 'The Go spec: map types', url: 'https://go.dev/ref/spec#Map_types' },
  specRange: { title: 'The Go spec: for statements with range clause', url: 'https://go.dev/ref/spec#For_range' },
  specMake: {
    title: 'The Go spec: making slices, maps and channels',
    url: 'https://go.dev/ref/spec#Making_slices_maps_and_channels',
  },
  specClose: { title: 'The Go spec: close', url: 'https://go.dev/ref/spec#Close' },
  specSend: { title: 'The Go spec: send statements', url: 'https://go.dev/ref/spec#Send_statements' },
  specReceive: { title: 'The Go spec: receive operator', url: 'https://go.dev/ref/spec#Receive_operator' },
  specChannels: { title: 'The Go spec: channel types', url: 'https://go.dev/ref/spec#Channel_types' },
  specPanics: { title: 'The Go spec: run-time panics', url: 'https://go.dev/ref/spec#Run_time_panics' },
  specRecover: { title: 'The Go spec: handling panics', url: 'https://go.dev/ref/spec#Handling_panics' },
  specIndex: { title: 'The Go spec: index expressions', url: 'https://go.dev/ref/spec#Index_expressions' },
  specSlice: { title: 'The Go spec: slice expressions', url: 'https://go.dev/ref/spec#Slice_expressions' },
  specAssert: { title: 'The Go spec: type assertions', url: 'https://go.dev/ref/spec#Type_assertions' },
  specIntOps: { title: 'The Go spec: integer operators', url: 'https://go.dev/ref/spec#Integer_operators' },
  specAddress: { title: 'The Go spec: address operators', url: 'https://go.dev/ref/spec#Address_operators' },
  faqMaps: {
    title: 'Go FAQ: why are map operations not defined to be atomic?',
    url: 'https://go.dev/doc/faq#atomic_maps',
  },
  raceDetector: { title: 'Data race detector', url: 'https://go.dev/doc/articles/race_detector' },
  memoryModel: { title: 'The Go memory model', url: 'https://go.dev/ref/mem' },
  syncMutex: { title: 'sync.Mutex', url: 'https://pkg.go.dev/sync#Mutex' },
  syncRWMutex: { title: 'sync.RWMutex', url: 'https://pkg.go.dev/sync#RWMutex' },
  syncMap: { title: 'sync.Map', url: 'https://pkg.go.dev/sync#Map' },
  syncOnce: { title: 'sync.Once', url: 'https://pkg.go.dev/sync#Once' },
  syncWaitGroup: { title: 'sync.WaitGroup', url: 'https://pkg.go.dev/sync#WaitGroup' },
  context: { title: 'package context', url: 'https://pkg.go.dev/context' },
  gotraceback: {
    title: 'GOTRACEBACK and other runtime environment variables',
    url: 'https://pkg.go.dev/runtime#hdr-Environment_Variables',
  },
  runtimeError: { title: 'runtime.Error', url: 'https://pkg.go.dev/runtime#Error' },
  debug: { title: 'package runtime/debug', url: 'https://pkg.go.dev/runtime/debug' },
  diagnostics: { title: 'Diagnostics', url: 'https://go.dev/doc/diagnostics' },
  synctest: { title: 'package testing/synctest', url: 'https://pkg.go.dev/testing/synctest' },
  testFlags: { title: 'go test flags (-timeout)', url: 'https://pkg.go.dev/cmd/go#hdr-Testing_flags' },
  pprof: { title: 'package net/http/pprof', url: 'https://pkg.go.dev/net/http/pprof' },
  cgo: { title: 'cgo', url: 'https://pkg.go.dev/cmd/cgo' },
} satisfies Record<string, DocLink>;

// ---- fixes used by several kinds ----

const fixRWMutexMap: CodeFix = {
  title: 'Guard the map with a sync.RWMutex inside a small type, so no caller can touch it unlocked',
  code: goCode`
// Counts is safe for concurrent use. The zero value is ready to use.
type Counts struct {
  mu sync.RWMutex
  m  map[string]int
}

func (c *Counts) Inc(key string) {
  c.mu.Lock()
  defer c.mu.Unlock()
  if c.m == nil {
    c.m = make(map[string]int)
  }
  c.m[key]++
}

func (c *Counts) Get(key string) int {
  c.mu.RLock()
  defer c.mu.RUnlock()
  return c.m[key]
}
`,
};

const fixSyncMap: CodeFix = {
  title:
    'Use sync.Map when each key is written once and then read many times (a cache that only grows), or when ' +
    'goroutines work on disjoint sets of keys; otherwise prefer a map with a mutex',
  code: goCode`
// Its zero value is ready to use; it must not be copied after first use.
var templates sync.Map // name -> string

func template(name string, load func(string) string) string {
  if v, ok := templates.Load(name); ok {
    return v.(string)
  }
  v, _ := templates.LoadOrStore(name, load(name))
  return v.(string)
}
`,
};

const fixShardedMap: CodeFix = {
  title: 'Shard a hot map so goroutines working on different keys rarely wait for the same lock',
  code: goCode`
const shardCount = 32

type shard struct {
  mu sync.Mutex
  m  map[string]int
}

type ShardedCounts struct {
  shards [shardCount]shard
}

func (s *ShardedCounts) Add(key string, n int) {
  sh := &s.shards[fnv32(key)%shardCount]
  sh.mu.Lock()
  defer sh.mu.Unlock()
  if sh.m == nil {
    sh.m = make(map[string]int)
  }
  sh.m[key] += n
}

func fnv32(s string) uint32 {
  h := uint32(2166136261)
  for i := 0; i < len(s); i++ {
    h ^= uint32(s[i])
    h *= 16777619
  }
  return h
}
`,
};

const fixOwnerGoroutine: CodeFix = {
  title: 'Let one goroutine own the map and serve the others over channels',
  code: goCode`
type getReq struct {
  key   string
  reply chan int
}

// Store's map is only ever touched by the run goroutine.
type Store struct {
  incs chan string
  gets chan getReq
}

func NewStore() *Store {
  s := &Store{incs: make(chan string), gets: make(chan getReq)}
  go s.run()
  return s
}

func (s *Store) run() {
  m := make(map[string]int)
  for {
    select {
    case k := <-s.incs:
      m[k]++
    case r := <-s.gets:
      r.reply <- m[r.key]
    }
  }
}

func (s *Store) Inc(key string) { s.incs <- key }

func (s *Store) Get(key string) int {
  r := getReq{key: key, reply: make(chan int)}
  s.gets <- r
  return <-r.reply
}
`,
};

const fixSnapshotUnderLock: CodeFix = {
  title: 'Iterate (or clone) under the read lock, or take a copy under the lock and range over the copy',
  code: goCode`
type Registry struct {
  mu    sync.RWMutex
  items map[string]int
}

// Snapshot returns a copy the caller may range over while others keep writing.
func (r *Registry) Snapshot() map[string]int {
  r.mu.RLock()
  defer r.mu.RUnlock()
  return maps.Clone(r.items)
}

func (r *Registry) Total() int {
  r.mu.RLock()
  defer r.mu.RUnlock()
  total := 0
  for _, v := range r.items {
    total += v
  }
  return total
}
`,
};

const fixDeferUnlock: CodeFix = {
  title: 'Put defer mu.Unlock() on the line right after mu.Lock(), and never unlock by hand as well',
  code: goCode`
type Account struct {
  mu      sync.Mutex
  balance int
}

func (a *Account) Withdraw(n int) error {
  a.mu.Lock()
  defer a.mu.Unlock() // the only Unlock: every return path releases the lock exactly once
  if n > a.balance {
    return errors.New("insufficient funds")
  }
  a.balance -= n
  return nil
}
`,
};

const fixMakeInConstructor: CodeFix = {
  title: 'Create maps and channels with make in a constructor, so no path sees the nil zero value',
  code: goCode`
type Hub struct {
  clients map[string]chan string
  done    chan struct{}
}

func NewHub() *Hub {
  return &Hub{
    clients: make(map[string]chan string),
    done:    make(chan struct{}),
  }
}
`,
};

const fixCloseOnce: CodeFix = {
  title: 'Close through sync.Once when several code paths may want to close',
  code: goCode`
type Worker struct {
  quit      chan struct{}
  closeOnce sync.Once
}

func NewWorker() *Worker { return &Worker{quit: make(chan struct{})} }

// Stop may be called any number of times, from any goroutine.
func (w *Worker) Stop() {
  w.closeOnce.Do(func() { close(w.quit) })
}
`,
};

const fixCloseAfterSenders: CodeFix = {
  title: 'With several senders, close the channel once, after all of them have finished (the receiver never closes)',
  code: goCode`
func produceAll(sources []func(chan<- int)) <-chan int {
  out := make(chan int)
  var wg sync.WaitGroup
  for _, src := range sources {
    wg.Add(1)
    go func(src func(chan<- int)) {
      defer wg.Done()
      src(out)
    }(src)
  }
  go func() {
    wg.Wait() // no sender can still be sending
    close(out)
  }()
  return out
}
`,
};

const fixStopWithContext: CodeFix = {
  title: 'Tell senders to stop with a context instead of closing the channel they send on',
  code: goCode`
func produce(ctx context.Context, out chan<- int) {
  for i := 0; ; i++ {
    select {
    case out <- i:
    case <-ctx.Done():
      return // the consumer is gone; out stays open and is never sent on again
    }
  }
}
`,
};

const fixAddBeforeGo: CodeFix = {
  title: 'Call wg.Add(1) before the go statement and defer wg.Done() first thing in the goroutine',
  code: goCode`
func processAll(items []string, process func(string)) {
  var wg sync.WaitGroup
  for _, it := range items {
    wg.Add(1) // before go: Wait cannot miss it
    go func(it string) {
      defer wg.Done() // exactly one Done per Add, on every path
      process(it)
    }(it)
  }
  wg.Wait()
}
`,
};

const fixWaitGroupGo: CodeFix = {
  title: 'On Go >= 1.25, let WaitGroup.Go pair the Add and the Done for you',
  code: goCode`
func processAll(items []string, process func(string)) {
  var wg sync.WaitGroup
  for _, it := range items {
    wg.Go(func() { process(it) })
  }
  wg.Wait()
}
`,
};

const fixTimeoutCtx: CodeFix = {
  title: 'Bound every wait with a context deadline, so a stuck goroutine becomes an error instead of a hang',
  code: goCode`
func fetch(ctx context.Context, results <-chan string) (string, error) {
  ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
  defer cancel()
  select {
  case r := <-results:
    return r, nil
  case <-ctx.Done():
    return "", fmt.Errorf("waiting for result: %w", ctx.Err())
  }
}
`,
};

const fixRecoverInGoroutine: CodeFix = {
  title:
    'Recover at the top of each goroutine you start and turn the panic into an error (recover only works in the ' +
    'panicking goroutine)',
  code: goCode`
func safeGo(errs chan<- error, f func()) {
  go func() {
    defer func() {
      if r := recover(); r != nil {
        errs <- fmt.Errorf("goroutine panicked: %v", r)
      }
    }()
    f()
  }()
}
`,
};

// Map races share everything except the message and the operation that lost the race.
const mapRaceExplanationTail =
  'It is a fatal error, not a panic: the program stops at once, deferred calls do not run, and recover() cannot ' +
  'catch it. ' +
  'Detection is best-effort: the runtime only notices when the two operations overlap in time, so most racy programs ' +
  'run ' +
  'for a while before crashing, and a program that has not crashed is not race-free; the race detector (go test ' +
  '-race) is ' +
  'the reliable tool. From Go 1.26 the default GOTRACEBACK=single prints only the goroutine that detected the race ' +
  '(Go ' +
  '1.6-1.25 printed every goroutine): set GOTRACEBACK=all, or run with -race, to see the other side.';

const mapRaceCauses = [
  'A map in a struct or package variable (cache, registry, session table) shared by goroutines without a lock.',
  'HTTP handlers, which each run in their own goroutine, updating a map owned by the server.',
  'A lock that guards some accesses but not all of them, or two different locks used for the same map.',
  'A struct holding a mutex passed or copied by value, so each copy locks its own mutex (go vet reports this as ' +
    'copylocks).',
];

const mapRaceLinks = [L.specMaps, L.faqMaps, L.raceDetector, L.syncRWMutex, L.syncMap, L.gotraceback];

const mapRaceProof = [
  claim('recover-cannot-catch-map-race'),
  claim('map-race-default-traceback-shows-one-goroutine'),
  claim('delete-during-range-is-legal'),
  claim('zero-sync-map-is-usable'),
];

function entry<K extends CrashKind>(e: Omit<KindEntry, 'docsPath' | 'kind'> & { kind: K }): KindEntry & { kind: K } {
  return { ...e, docsPath: `docs/kinds/${e.kind}.md` };
}

const entries: { [K in CrashKind]: KindEntry & { kind: K } } = {
  concurrent_map_writes: entry({
    kind: 'concurrent_map_writes',
    title: 'Concurrent map writes',
    summary: 'Two goroutines wrote to the same map at the same time without synchronisation.',
    messages: [{ text: 'fatal error: concurrent map writes', fatal: true, goVersions: '>=1.6' }],
    recoverable: false,
    explanation:
      'Go maps are not safe for concurrent use: while one goroutine may write a map, every other access to it must ' +
      'be ' +
      'synchronised. The runtime caught two goroutines writing (assigning, deleting or clearing) the same map at ' +
      'once. ' +
      mapRaceExplanationTail,
    causes: mapRaceCauses,
    fixes: [fixRWMutexMap, fixSyncMap, fixShardedMap, fixOwnerGoroutine],
    links: mapRaceLinks,
    proof: mapRaceProof,
  }),
  concurrent_map_read_write: entry({
    kind: 'concurrent_map_read_write',
    title: 'Concurrent map read and map write',
    summary: 'One goroutine read a map while another was writing it.',
    messages: [{ text: 'fatal error: concurrent map read and map write', fatal: true, goVersions: '>=1.6' }],
    recoverable: false,
    explanation:
      'Go maps are not safe for concurrent use: readers need synchronisation too when any goroutine may write. The ' +
      'runtime ' +
      'caught a lookup (m[k], v, ok := m[k]) while another goroutine was writing the same map. Any number of ' +
      'goroutines may ' +
      'read a map at once if nobody writes it. ' +
      mapRaceExplanationTail,
    causes: [
      'A read-mostly map (configuration, cache) that is refreshed in place by a background goroutine.',
      'Reads left outside the lock because "reads are harmless".',
      ...mapRaceCauses.slice(1),
    ],
    fixes: [fixRWMutexMap, fixSyncMap, fixOwnerGoroutine],
    links: mapRaceLinks,
    proof: [claim('map-read-during-write-is-fatal'), ...mapRaceProof],
  }),
  concurrent_map_iteration_write: entry({
    kind: 'concurrent_map_iteration_write',
    title: 'Concurrent map iteration and map write',
    summary: 'One goroutine ranged over a map while another was writing it.',
    messages: [{ text: 'fatal error: concurrent map iteration and map write', fatal: true, goVersions: '>=1.8' }],
    recoverable: false,
    explanation:
      'A for-range over a map was running while another goroutine wrote the same map. Changing a map during a range ' +
      'loop is ' +
      'only allowed from the goroutine doing the loop: the spec defines what deleting or adding entries during ' +
      'iteration ' +
      'does, and that is not a race. Marshalling a map (encoding/json, fmt) ranges over it too. ' +
      mapRaceExplanationTail,
    causes: [
      'Serialising (JSON, logging, metrics export) a map that other goroutines keep updating.',
      'Returning an internal map from a locked method and ranging over it after the lock is released.',
      ...mapRaceCauses.slice(0, 1),
    ],
    fixes: [fixSnapshotUnderLock, fixRWMutexMap, fixOwnerGoroutine],
    links: [L.specRange, ...mapRaceLinks],
    proof: [claim('map-iteration-during-write-is-fatal'), ...mapRaceProof],
  }),
  concurrent_map_clone_write: entry({
    kind: 'concurrent_map_clone_write',
    title: 'Concurrent map clone and map write',
    summary: 'maps.Clone copied a map while another goroutine was writing it.',
    messages: [{ text: 'fatal error: concurrent map clone and map write', fatal: true, goVersions: '>=1.21' }],
    recoverable: false,
    explanation:
      'maps.Clone (Go 1.21) reads the whole map; another goroutine wrote the map during the copy. Cloning is a read ' +
      'and needs ' +
      'the same synchronisation as any other read: clone under the read lock that writers take. ' +
      mapRaceExplanationTail,
    causes: [
      'Taking a "snapshot" with maps.Clone without holding the lock that writers use.',
      ...mapRaceCauses.slice(0, 1),
    ],
    fixes: [fixSnapshotUnderLock, fixRWMutexMap],
    links: [{ title: 'maps.Clone', url: 'https://pkg.go.dev/maps#Clone' }, ...mapRaceLinks],
    proof: [claim('map-clone-during-write-is-fatal'), ...mapRaceProof],
  }),
  nil_map_write: entry({
    kind: 'nil_map_write',
    title: 'Assignment to entry in nil map',
    summary: 'A value was stored into a map that was never created with make or a literal.',
    messages: [{ text: 'panic: assignment to entry in nil map', fatal: false, goVersions: '>=1.6' }],
    recoverable: true,
    explanation:
      'The zero value of a map type is nil. A nil map behaves like an empty map for reading, len, range and delete, ' +
      'but ' +
      'storing into it panics. This is an ordinary run-time panic (a runtime.Error), not a fatal error: a deferred ' +
      'recover() ' +
      'in the same goroutine catches it, though recovering does not create the map. It has nothing to do with ' +
      'concurrency.',
    causes: [
      'A struct with a map field created as a zero value (var s T, new(T), &T{}) instead of through a constructor.',
      'A map declared with var m map[K]V and written before m = make(map[K]V).',
      'A map field set to nil by decoding (e.g. JSON null) or by a reset that assigns nil instead of a new map.',
    ],
    fixes: [
      fixMakeInConstructor,
      {
        title: 'Or create the map lazily in the method that writes it',
        code: goCode`
type Index struct {
  byName map[string]int
}

func (ix *Index) Put(name string, id int) {
  if ix.byName == nil {
    ix.byName = make(map[string]int)
  }
  ix.byName[name] = id
}
`,
      },
    ],
    links: [L.specMaps, L.specMake, L.specPanics, L.runtimeError],
    proof: [claim('recover-catches-nil-map-write')],
  }),
  send_on_closed_channel: entry({
    kind: 'send_on_closed_channel',
    title: 'Send on closed channel',
    summary: 'A goroutine sent on a channel that had already been closed.',
    messages: [{ text: 'panic: send on closed channel', fatal: false, goVersions: '>=1.6' }],
    recoverable: true,
    explanation:
      'Sending on a closed channel is a run-time panic, also when the send is a case of a select. It is an ordinary ' +
      'panic ' +
      '(a runtime.Error) that a deferred recover() in the sending goroutine catches, but recovering hides a protocol ' +
      'bug: the ' +
      'channel was closed while a sender could still send. A channel should be closed by its only sender, or after ' +
      'all ' +
      'senders have finished; receivers never close. To tell senders to stop, use a separate signal (a context or a ' +
      'done ' +
      'channel) rather than closing the channel they send on.',
    causes: [
      'A receiver or supervisor closed the data channel to stop producers that were still running.',
      'Several senders and one of them closed the channel when it finished.',
      'A send racing with shutdown: close in Stop() while a background goroutine is mid-send.',
    ],
    fixes: [fixCloseAfterSenders, fixStopWithContext],
    links: [L.specSend, L.specClose, L.specPanics],
    proof: [claim('send-on-closed-channel-is-recoverable')],
  }),
  close_closed_channel: entry({
    kind: 'close_closed_channel',
    title: 'Close of closed channel',
    summary: 'A channel was closed a second time.',
    messages: [{ text: 'panic: close of closed channel', fatal: false, goVersions: '>=1.6' }],
    recoverable: true,
    explanation:
      'Closing an already closed channel is a run-time panic (a runtime.Error). A deferred recover() in the closing ' +
      'goroutine catches it, but the real fix is to close exactly once: give the channel a single owner that closes ' +
      'it, or ' +
      'route every close through sync.Once. Testing "is it closed?" before closing does not work: another goroutine ' +
      'can ' +
      'close it between the check and the close.',
    causes: [
      'Stop/Close methods that can be called twice (by a defer and by an error path, or from two goroutines).',
      'Several goroutines each closing a shared done channel when they finish.',
    ],
    fixes: [fixCloseOnce, fixCloseAfterSenders],
    links: [L.specClose, L.syncOnce, L.specPanics],
    proof: [claim('close-closed-channel-is-recoverable')],
  }),
  close_nil_channel: entry({
    kind: 'close_nil_channel',
    title: 'Close of nil channel',
    summary: 'close was called on a channel variable that was never made.',
    messages: [{ text: 'panic: close of nil channel', fatal: false, goVersions: '>=1.6' }],
    recoverable: true,
    explanation:
      'Closing a nil channel is a run-time panic (a runtime.Error) that a deferred recover() catches. It means the ' +
      'channel ' +
      'was never created with make. The same missing make is worse elsewhere: sending to or receiving from a nil ' +
      'channel ' +
      'does not panic, it blocks forever, so other code paths show up as hung goroutines ("chan send (nil chan)", ' +
      '"chan receive (nil chan)") or as "all goroutines are asleep - deadlock!".',
    causes: [
      'A struct with a channel field created without its constructor.',
      'A channel field reset to nil after use and closed again later.',
    ],
    fixes: [fixMakeInConstructor, fixCloseOnce],
    links: [L.specClose, L.specChannels, L.specMake],
    proof: [claim('close-nil-channel-panics'), claim('nil-channel-receive-blocks-forever')],
  }),
  negative_waitgroup: entry({
    kind: 'negative_waitgroup',
    title: 'Negative WaitGroup counter',
    summary: 'WaitGroup.Done (or Add with a negative delta) was called more times than Add.',
    messages: [{ text: 'panic: sync: negative WaitGroup counter', fatal: false, goVersions: '>=1.6' }],
    recoverable: true,
    explanation:
      'A WaitGroup counts outstanding tasks; Done decrements it. When it goes below zero, WaitGroup.Add panics. This ' +
      'is an ' +
      'ordinary panic with a string value (not a runtime.Error), raised in the goroutine that called Done, so a ' +
      'deferred ' +
      'recover() there catches it; in every Go version checked (1.6 to 1.26) it is a panic, not a fatal error. The ' +
      'counter is left negative, so the WaitGroup should not be used again; the bug is an unmatched Done.',
    causes: [
      'Done called twice for one task (a defer wg.Done() plus an explicit wg.Done() on some path).',
      'wg.Add(1) skipped on a path (e.g. inside an if) while the goroutine still calls Done.',
      'One WaitGroup shared by two unrelated groups of goroutines.',
    ],
    fixes: [fixAddBeforeGo, fixWaitGroupGo],
    links: [L.syncWaitGroup],
    proof: [claim('negative-waitgroup-is-recoverable')],
  }),
  waitgroup_reuse: entry({
    kind: 'waitgroup_reuse',
    title: 'WaitGroup reused before Wait returned',
    summary: 'A new round of Add started on a WaitGroup while a Wait from the previous round had not returned.',
    messages: [
      { text: 'panic: sync: WaitGroup is reused before previous Wait has returned', fatal: false, goVersions: '>=1.6' },
    ],
    recoverable: true,
    explanation:
      'A WaitGroup may be reused for several independent rounds only if every Add of the new round happens after all ' +
      'Wait ' +
      'calls of the previous round have returned. Wait checks this when it wakes up and panics (an ordinary panic ' +
      'with a ' +
      'string value, raised in the waiting goroutine, so recover() there could catch it) when it sees the counter ' +
      'already ' +
      'raised again. The check is best-effort: a misuse is not always caught.',
    causes: [
      'A loop that calls wg.Add for the next batch while another goroutine is still in wg.Wait for the last batch.',
      'A WaitGroup kept in a long-lived struct and shared by overlapping operations.',
    ],
    fixes: [
      {
        title: 'Use a fresh WaitGroup for every round (it is a cheap value)',
        code: goCode`
func runBatches(batches [][]func()) {
  for _, batch := range batches {
    var wg sync.WaitGroup // one per round: no Add can overlap an older Wait
    for _, task := range batch {
      wg.Add(1)
      go func(task func()) {
        defer wg.Done()
        task()
      }(task)
    }
    wg.Wait()
  }
}
`,
      },
    ],
    links: [L.syncWaitGroup],
    proof: [],
  }),
  waitgroup_add_during_wait: entry({
    kind: 'waitgroup_add_during_wait',
    title: 'WaitGroup Add called concurrently with Wait',
    summary: 'WaitGroup.Add raised the counter from zero while another goroutine was already in Wait.',
    messages: [
      { text: 'panic: sync: WaitGroup misuse: Add called concurrently with Wait', fatal: false, goVersions: '>=1.6' },
    ],
    recoverable: true,
    explanation:
      'An Add that raises the counter from zero must happen before Wait; otherwise Wait may already have returned ' +
      'and the ' +
      'new task is not waited for. Add detects the overlap on a best-effort basis and panics: an ordinary panic with ' +
      'a ' +
      'string value, raised in the goroutine calling Add, so a deferred recover() there could catch it. Usually the ' +
      'Add ' +
      'is inside the goroutine it counts, so it runs too late.',
    causes: [
      'wg.Add(1) called inside the new goroutine instead of before the go statement.',
      'Goroutines that spawn more work (wg.Add) after the counter may already have dropped to zero.',
    ],
    fixes: [fixAddBeforeGo, fixWaitGroupGo],
    links: [L.syncWaitGroup],
    proof: [],
  }),
  unlock_of_unlocked: entry({
    kind: 'unlock_of_unlocked',
    title: 'Unlock of unlocked mutex',
    summary: 'Unlock (or RUnlock) was called on a sync.Mutex or sync.RWMutex that was not locked.',
    messages: [
      { text: 'fatal error: sync: unlock of unlocked mutex', fatal: true, goVersions: '1.8, >=1.10' },
      { text: 'panic: sync: unlock of unlocked mutex', fatal: false, goVersions: '<=1.7, 1.9' },
      { text: 'fatal error: sync: Unlock of unlocked RWMutex', fatal: true, goVersions: '>=1.8' },
      { text: 'fatal error: sync: RUnlock of unlocked RWMutex', fatal: true, goVersions: '>=1.8' },
      { text: 'panic: sync: Unlock of unlocked RWMutex', fatal: false, goVersions: '<=1.7' },
      { text: 'panic: sync: RUnlock of unlocked RWMutex', fatal: false, goVersions: '<=1.7' },
    ],
    // Fatal in current Go, a recoverable panic in Go <= 1.7 and 1.9: what the log printed decides.
    recoverable: 'depends',
    explanation:
      'Unlocking a mutex that is not locked means the lock state is already corrupt, so since Go 1.10 (and in 1.8) ' +
      'it is a ' +
      'fatal error: the program stops at once, deferred calls do not run and recover() cannot catch it. Go 1.7 and ' +
      'earlier, ' +
      'and Go 1.9 by a regression, raised an ordinary, recoverable panic instead; RWMutex misuse is fatal from Go ' +
      '1.8. ' +
      'A mutex is not tied to a goroutine, so unlocking from another goroutine than the one that locked is allowed; ' +
      'the ' +
      'error is strictly one Unlock too many. From Go 1.26 the default traceback shows only the failing goroutine.',
    causes: [
      'Unlock called twice: a defer mu.Unlock() plus an explicit mu.Unlock() on some return path.',
      'Unlock on an error path reached before Lock was taken.',
      'RUnlock paired with Lock, or Unlock paired with RLock.',
      'Unlock in a cleanup function that also runs when the matching Lock was skipped or already released.',
    ],
    fixes: [
      fixDeferUnlock,
      {
        title: 'Keep lock and unlock in one helper so callers cannot get the pairing wrong',
        code: goCode`
type Config struct {
  mu     sync.RWMutex
  values map[string]string
}

func (c *Config) withRead(f func(map[string]string)) {
  c.mu.RLock()
  defer c.mu.RUnlock()
  f(c.values)
}

func (c *Config) Lookup(key string) (v string, ok bool) {
  c.withRead(func(m map[string]string) { v, ok = m[key] })
  return v, ok
}
`,
      },
    ],
    links: [L.syncMutex, L.syncRWMutex],
    proof: [
      claim('unlock-of-unlocked-is-fatal'),
      claim('rwmutex-runlock-of-unlocked-is-fatal'),
      claim('mutex-unlock-from-other-goroutine-is-allowed'),
    ],
  }),
  deadlock_all_asleep: entry({
    kind: 'deadlock_all_asleep',
    title: 'All goroutines are asleep (deadlock)',
    summary: 'Every goroutine was blocked and nothing could ever wake one up, so the runtime stopped the program.',
    messages: [
      { text: 'fatal error: all goroutines are asleep - deadlock!', fatal: true, goVersions: '>=1.6' },
      { text: 'fatal error: no goroutines (main called runtime.Goexit) - deadlock!', fatal: true, goVersions: '>=1.6' },
    ],
    recoverable: false,
    explanation:
      'The runtime reports a deadlock only when no goroutine can ever run again: every goroutine is blocked (on a ' +
      'channel, ' +
      'select, mutex, WaitGroup or nil channel), no timer is pending, and no thread is in a system call or waiting ' +
      'on the ' +
      'network poller. One sleeping goroutine or pending timer delays the report until it fires, and one goroutine ' +
      'waiting ' +
      'for network I/O (any server with an open listener) or in a blocking system call prevents it entirely, so most ' +
      'real ' +
      'deadlocks show up as a hang instead: take a goroutine dump (SIGQUIT, or /debug/pprof/goroutine?debug=2) to ' +
      'find ' +
      'them. It is a fatal error: recover() cannot catch it. Receiving from or sending to a nil channel blocks ' +
      'forever ' +
      'rather than panicking; such goroutines are listed as "chan receive (nil chan)" or "chan send (nil chan)".',
    causes: [
      'An unbuffered send with no receiver (or a receive with no sender), often after an early return skipped the ' +
        'partner.',
      'A range over a channel that nobody closes.',
      'wg.Wait() waiting for a Done that never comes.',
      'A channel field that was never made (nil), so sends and receives block forever.',
      'Locking a sync.Mutex twice in one goroutine (Go mutexes are not reentrant).',
    ],
    fixes: [fixCloseAfterSenders, fixTimeoutCtx, fixMakeInConstructor],
    links: [L.specReceive, L.specSend, L.specChannels, L.diagnostics],
    proof: [
      claim('nil-channel-receive-blocks-forever'),
      claim('deadlock-needs-all-goroutines-blocked'),
      claim('network-wait-prevents-deadlock-detection'),
      claim('mutex-is-not-reentrant'),
    ],
  }),
  synctest_deadlock: entry({
    kind: 'synctest_deadlock',
    title: 'Deadlock in a synctest bubble',
    summary:
      'Every goroutine in a testing/synctest bubble was durably blocked, so the bubble could never make progress.',
    messages: [
      {
        text: 'panic: deadlock: all goroutines in bubble are blocked',
        fatal: false,
        goVersions: '1.24 (GOEXPERIMENT=synctest, synctest.Run), >=1.25',
      },
      {
        text: 'panic: deadlock: main bubble goroutine has exited but blocked goroutines remain',
        fatal: false,
        goVersions: '>=1.25',
      },
    ],
    recoverable: 'depends',
    explanation:
      'Inside synctest.Test (Go 1.25; synctest.Run behind GOEXPERIMENT=synctest in 1.24) time is fake and advances ' +
      'only ' +
      'when every goroutine in the bubble is durably blocked. When they are all blocked and no fake timer can wake ' +
      'one, ' +
      'the bubble can never finish, and synctest panics in the goroutine that called synctest.Test. That is an ' +
      'ordinary ' +
      'panic, but inside a test the testing package reports it ("--- FAIL") and re-panics, ending the test binary; a ' +
      "recover() around synctest.Test would leave the bubble's goroutines blocked forever. Only some waits count as " +
      'durably blocked (channels created in the bubble, sync.Cond.Wait, WaitGroup.Wait, time.Sleep); a goroutine ' +
      'locking ' +
      'a sync.Mutex, doing I/O or in a system call is not, so such a bubble hangs instead of panicking.',
    causes: [
      'The code under test waits on a channel that nothing in the bubble will ever send on.',
      'A goroutine started in the bubble is still blocked when the test function returns (a goroutine leak).',
      'Forgetting to cancel a context or close a channel that background goroutines wait on.',
    ],
    fixes: [
      {
        title: 'Stop every goroutine the test starts before the test function returns, then synctest.Wait',
        code: goCode`
func TestWorkerStops(t *testing.T) {
  synctest.Test(t, func(t *testing.T) {
    ctx, cancel := context.WithCancel(t.Context())
    done := make(chan struct{})
    go func() {
      defer close(done)
      <-ctx.Done()
    }()
    cancel()
    synctest.Wait()
    <-done
  })
}
`,
      },
    ],
    links: [L.synctest, L.context],
    proof: [claim('synctest-deadlock-is-a-panic')],
  }),
  synctest_outside_bubble: entry({
    kind: 'synctest_outside_bubble',
    title: 'synctest channel used from outside its bubble',
    summary:
      'A channel (or timer) created inside a testing/synctest bubble was used by a goroutine outside that bubble.',
    messages: [
      { text: 'fatal error: send on synctest channel from outside bubble', fatal: true, goVersions: '>=1.25' },
      { text: 'fatal error: receive on synctest channel from outside bubble', fatal: true, goVersions: '>=1.25' },
      { text: 'fatal error: close of synctest channel from outside bubble', fatal: true, goVersions: '>=1.25' },
      { text: 'fatal error: select on synctest channel from outside bubble', fatal: true, goVersions: '>=1.25' },
      { text: 'fatal error: synctest timer accessed from outside bubble', fatal: true, goVersions: '>=1.25' },
      { text: 'fatal error: stop of synctest timer from outside bubble', fatal: true, goVersions: '>=1.25' },
      { text: 'fatal error: reset of synctest timer from outside bubble', fatal: true, goVersions: '>=1.25' },
      {
        text: 'fatal error: semaphore wake of synctest goroutine from outside bubble',
        fatal: true,
        goVersions: '>=1.25',
      },
    ],
    recoverable: false,
    explanation:
      'A channel made inside a synctest bubble (synctest.Test) belongs to that bubble for its whole life, even after ' +
      'the ' +
      'bubble has ended: the bubble tracks which of its goroutines are durably blocked on it. When a goroutine ' +
      'outside ' +
      'the bubble sends, receives, closes or selects on such a channel (or touches a timer the bubble created), the ' +
      'runtime calls fatal: the program stops at once, deferred calls do not run, and recover() cannot catch it. The ' +
      'traceback shows the outside goroutine at the offending operation; the usual cause is a channel that escapes ' +
      'the ' +
      'bubble through a variable of the enclosing test or a channel passed to a goroutine started before the bubble.',
    causes: [
      'The test function keeps a channel made inside the bubble in an outer variable and uses it after synctest.Test ' +
        'returns.',
      'A goroutine started outside the bubble (a shared fixture, a package-level worker) receives a channel made ' +
        'inside it.',
      'A timer or ticker created in the bubble is stopped or reset from outside.',
    ],
    fixes: [
      {
        title: 'Create and use the channel inside the bubble; hand results out as plain values',
        code: goCode`
func TestEvents(t *testing.T) {
  var got []string
  synctest.Test(t, func(t *testing.T) {
    events := make(chan string, 1)
    events <- "done"
    got = append(got, <-events)
  })
  if len(got) != 1 {
    t.Fatalf("got %v", got)
  }
}
`,
      },
    ],
    links: [L.synctest],
    proof: [claim('synctest-channel-from-outside-bubble-is-fatal')],
  }),
  nil_pointer_deref: entry({
    kind: 'nil_pointer_deref',
    title: 'Nil pointer dereference',
    summary: 'The program read or wrote through a nil pointer (or a nil interface or func value was called).',
    messages: [
      {
        text: 'panic: runtime error: invalid memory address or nil pointer dereference',
        fatal: false,
        goVersions: '>=1.6',
      },
      {
        text: '[signal SIGSEGV: segmentation violation code=<code> addr=<addr> pc=<pc>]',
        fatal: false,
        goVersions: '>=1.6',
      },
    ],
    recoverable: true,
    explanation:
      'Dereferencing a nil pointer is a run-time panic (a runtime.Error); the runtime turns the hardware fault into ' +
      'a panic, ' +
      'which is why a [signal SIGSEGV ...] line follows the message. A deferred recover() in the same goroutine ' +
      'catches ' +
      'it. With concurrency it often means a field was read before another goroutine finished initialising it, or ' +
      'after ' +
      'it was reset to nil, without synchronisation.',
    causes: [
      'A function returned (nil, err) and the caller used the value without checking err.',
      'A struct field or map value that is a pointer and was never set.',
      'A pointer published to other goroutines before it was initialised (a data race).',
    ],
    fixes: [
      {
        title: 'Check the error before using the value it comes with',
        code: goCode`
type User struct{ Name string }

func greet(find func(id int) (*User, error), id int) (string, error) {
  u, err := find(id)
  if err != nil {
    return "", fmt.Errorf("find user %d: %w", id, err)
  }
  if u == nil {
    return "", errors.New("no such user")
  }
  return "hello " + u.Name, nil
}
`,
      },
      {
        title: 'Initialise shared values exactly once with sync.OnceValue (Go >= 1.21) instead of a racy nil check',
        code: goCode`
type Client struct{ addr string }

var defaultClient = sync.OnceValue(func() *Client {
  return &Client{addr: "localhost:8080"}
})

func addr() string { return defaultClient().addr }
`,
      },
    ],
    links: [L.specAddress, L.specPanics, L.runtimeError, L.raceDetector],
    proof: [claim('runtime-errors-are-recoverable')],
  }),
  index_out_of_range: entry({
    kind: 'index_out_of_range',
    title: 'Index out of range',
    summary: 'A slice, array or string was indexed outside 0 <= i < len.',
    messages: [
      { text: 'panic: runtime error: index out of range [<i>] with length <len>', fatal: false, goVersions: '>=1.13' },
      { text: 'panic: runtime error: index out of range [<negative i>]', fatal: false, goVersions: '>=1.13' },
      { text: 'panic: runtime error: index out of range', fatal: false, goVersions: '<=1.12' },
    ],
    recoverable: true,
    explanation:
      'Indexing outside the bounds is a run-time panic (a runtime.Error) that a deferred recover() in the same ' +
      'goroutine ' +
      'catches. Since Go 1.13 the message includes the index and the length. In concurrent code it often comes from ' +
      'a ' +
      'slice that another goroutine shrinks or replaces between a length check and the index (a data race).',
    causes: [
      'An off-by-one loop bound or an unchecked index from input.',
      'Reading element 0 of an empty slice (e.g. strings.Split results, command-line arguments).',
      'A length check and the indexing done without holding the lock that protects the slice.',
    ],
    fixes: [
      {
        title: 'Check the length before indexing',
        code: goCode`
func first(args []string) (string, bool) {
  if len(args) == 0 {
    return "", false
  }
  return args[0], true
}
`,
      },
    ],
    links: [L.specIndex, L.specPanics, L.runtimeError],
    proof: [claim('runtime-errors-are-recoverable')],
  }),
  slice_bounds_out_of_range: entry({
    kind: 'slice_bounds_out_of_range',
    title: 'Slice bounds out of range',
    summary: 'A slice expression s[low:high] or s[low:high:max] used bounds outside the operand.',
    messages: [
      {
        text: 'panic: runtime error: slice bounds out of range [:<high>] with capacity <cap>',
        fatal: false,
        goVersions: '>=1.13',
      },
      {
        text: 'panic: runtime error: slice bounds out of range [:<high>] with length <len>',
        fatal: false,
        goVersions: '>=1.13',
      },
      { text: 'panic: runtime error: slice bounds out of range [<low>:<high>]', fatal: false, goVersions: '>=1.13' },
      { text: 'panic: runtime error: slice bounds out of range', fatal: false, goVersions: '<=1.12' },
    ],
    recoverable: true,
    explanation:
      'A slice expression needs 0 <= low <= high <= max <= cap (len for strings). Violating it is a run-time panic ' +
      '(a ' +
      'runtime.Error) that a deferred recover() in the same goroutine catches. Since Go 1.13 the message shows the ' +
      'bad ' +
      'bounds and the length or capacity they were checked against.',
    causes: [
      'Taking a prefix s[:n] where n comes from input or from a header that is larger than the data.',
      'low > high after arithmetic on offsets.',
      'A buffer shared between goroutines and truncated by one while another slices it.',
    ],
    fixes: [
      {
        title: 'Clamp or validate the bounds first',
        code: goCode`
func prefix(b []byte, n int) []byte {
  if n < 0 {
    n = 0
  }
  if n > len(b) {
    n = len(b)
  }
  return b[:n]
}
`,
      },
    ],
    links: [L.specSlice, L.specPanics, L.runtimeError],
    proof: [claim('runtime-errors-are-recoverable')],
  }),
  divide_by_zero: entry({
    kind: 'divide_by_zero',
    title: 'Integer divide by zero',
    summary: 'An integer division or remainder had a zero divisor.',
    messages: [{ text: 'panic: runtime error: integer divide by zero', fatal: false, goVersions: '>=1.6' }],
    recoverable: true,
    explanation:
      'Integer division or remainder by zero is a run-time panic (a runtime.Error) that a deferred recover() in the ' +
      'same ' +
      'goroutine catches. (Floating-point division by zero does not panic; it yields an infinity or NaN.)',
    causes: ['A divisor computed from input or from a count that can be zero (an average over an empty set).'],
    fixes: [
      {
        title: 'Handle the zero divisor explicitly',
        code: goCode`
func average(values []int) (int, bool) {
  if len(values) == 0 {
    return 0, false
  }
  sum := 0
  for _, v := range values {
    sum += v
  }
  return sum / len(values), true
}
`,
      },
    ],
    links: [L.specIntOps, L.specPanics, L.runtimeError],
    proof: [claim('runtime-errors-are-recoverable')],
  }),
  type_assertion: entry({
    kind: 'type_assertion',
    title: 'Failed type assertion',
    summary: 'A single-value type assertion x.(T) found a different dynamic type (or nil).',
    messages: [
      {
        text: 'panic: interface conversion: <interface type> is <dynamic type>, not <asserted type>',
        fatal: false,
        goVersions: '>=1.6',
      },
      {
        text: 'panic: interface conversion: <interface type> is nil, not <asserted type>',
        fatal: false,
        goVersions: '>=1.6',
      },
      {
        text: 'panic: interface conversion: <dynamic type> is not <interface type>: missing method <name>',
        fatal: false,
        goVersions: '>=1.6',
      },
    ],
    recoverable: true,
    explanation:
      'The one-result form x.(T) panics when x does not hold a T; the panic value is a *runtime.TypeAssertionError ' +
      '(a ' +
      'runtime.Error), which a deferred recover() catches. The two-result form v, ok := x.(T) never panics. Values ' +
      'taken ' +
      'out of sync.Map, context.Value or atomic.Value are interfaces, and a wrong or missing entry surfaces here.',
    causes: [
      'Asserting on values from sync.Map, context.Context.Value or a map[string]any without the ok form.',
      'A nil interface value (missing entry) asserted to a concrete type.',
    ],
    fixes: [
      {
        title: 'Use the two-result form and handle the mismatch',
        code: goCode`
type requestIDKey struct{}

func requestID(ctx context.Context) (string, bool) {
  id, ok := ctx.Value(requestIDKey{}).(string)
  return id, ok
}
`,
      },
    ],
    links: [L.specAssert, L.runtimeError],
    proof: [claim('runtime-errors-are-recoverable')],
  }),
  stack_overflow: entry({
    kind: 'stack_overflow',
    title: 'Stack overflow',
    summary: "A goroutine's stack grew past the maximum stack size, almost always through unbounded recursion.",
    messages: [
      { text: 'runtime: goroutine stack exceeds <n>-byte limit', fatal: true, goVersions: '>=1.6' },
      { text: 'fatal error: stack overflow', fatal: true, goVersions: '>=1.6' },
    ],
    recoverable: false,
    explanation:
      'Goroutine stacks grow on demand up to a limit (1000000000 bytes on 64-bit systems by default, settable with ' +
      'runtime/debug.SetMaxStack). Exceeding it is a fatal error: deferred calls do not run and recover() cannot ' +
      'catch ' +
      'it. The traceback usually shows the same frames repeating; a method that calls itself by mistake (a String ' +
      'method ' +
      'that formats its own receiver with %v) is a common cause.',
    causes: [
      'Unbounded recursion: a missing or unreachable base case.',
      'A String() or MarshalJSON() method that formats its own receiver and so calls itself.',
      'Recursion over cyclic data (a graph with a cycle, a parent pointer).',
    ],
    fixes: [
      {
        title: 'Convert the receiver to a type without the method before formatting it',
        code: goCode`
type Celsius float64

func (c Celsius) String() string {
  // fmt.Sprintf("%v", c) would call String again, forever.
  return fmt.Sprintf("%.1f°C", float64(c))
}
`,
      },
    ],
    links: [{ title: 'runtime/debug.SetMaxStack', url: 'https://pkg.go.dev/runtime/debug#SetMaxStack' }],
    proof: [claim('recover-cannot-catch-stack-overflow')],
  }),
  out_of_memory: entry({
    kind: 'out_of_memory',
    title: 'Out of memory',
    summary: 'The Go runtime could not get memory from the operating system.',
    messages: [
      { text: 'runtime: out of memory: cannot allocate <n>-byte block (<m> in use)', fatal: true, goVersions: '>=1.6' },
      { text: 'fatal error: runtime: out of memory', fatal: true, goVersions: '>=1.6' },
    ],
    recoverable: false,
    explanation:
      "The operating system refused the runtime's request for more memory. It is a fatal error that recover() cannot " +
      "catch. On Linux the kernel's OOM killer, or a container memory limit, often kills the process first with " +
      'SIGKILL ' +
      '(shells report exit status 137), and then there is no Go traceback at all. Goroutine leaks (each holding its ' +
      'stack and whatever it references) and unbounded queues or caches are common causes in concurrent programs.',
    causes: [
      'Goroutines leaked by the thousands, each blocked forever and holding memory.',
      'An unbounded buffer, queue or cache.',
      'Reading a whole large input into memory.',
    ],
    fixes: [
      {
        title: 'Bound concurrency with a semaphore channel, so work cannot pile up without limit',
        code: goCode`
func handleAll(jobs <-chan []byte, handle func([]byte)) {
  sem := make(chan struct{}, 16) // at most 16 jobs in flight
  var wg sync.WaitGroup
  for job := range jobs {
    sem <- struct{}{}
    wg.Add(1)
    go func(job []byte) {
      defer wg.Done()
      defer func() { <-sem }()
      handle(job)
    }(job)
  }
  wg.Wait()
}
`,
      },
    ],
    links: [
      { title: 'runtime/debug.SetMemoryLimit', url: 'https://pkg.go.dev/runtime/debug#SetMemoryLimit' },
      { title: 'A guide to the Go garbage collector', url: 'https://go.dev/doc/gc-guide' },
      L.diagnostics,
    ],
    proof: [],
  }),
  thread_exhaustion: entry({
    kind: 'thread_exhaustion',
    title: 'Thread exhaustion',
    summary: 'The program needed more OS threads than the limit (10000 by default).',
    messages: [
      { text: 'runtime: program exceeds <n>-thread limit', fatal: true, goVersions: '>=1.6' },
      { text: 'fatal error: thread exhaustion', fatal: true, goVersions: '>=1.6' },
    ],
    recoverable: false,
    explanation:
      'Goroutines are multiplexed onto few OS threads, but a goroutine blocked in a system call or in cgo holds its ' +
      'thread, ' +
      'and the runtime starts another for the rest. When the count passes the limit (10000, settable with ' +
      'runtime/debug.SetMaxThreads) the program stops with a fatal error that recover() cannot catch.',
    causes: [
      'Thousands of goroutines blocked at once in blocking system calls (file I/O on slow disks, blocking C calls).',
      'Goroutines that call runtime.LockOSThread and never unlock or exit.',
    ],
    fixes: [
      {
        title: 'Limit how many goroutines may be in blocking calls at once',
        code: goCode`
var blockingCalls = make(chan struct{}, 64)

func readFile(name string) ([]byte, error) {
  blockingCalls <- struct{}{}
  defer func() { <-blockingCalls }()
  return os.ReadFile(name)
}
`,
      },
    ],
    links: [{ title: 'runtime/debug.SetMaxThreads', url: 'https://pkg.go.dev/runtime/debug#SetMaxThreads' }, L.cgo],
    proof: [claim('thread-exhaustion-is-fatal')],
  }),
  test_timeout: entry({
    kind: 'test_timeout',
    title: 'Test timed out',
    summary: 'go test ran longer than its -timeout (10m by default) and the test binary panicked.',
    messages: [
      { text: 'panic: test timed out after <duration>', fatal: false, goVersions: '>=1.6' },
      { text: 'running tests:', fatal: false, goVersions: '>=1.20' },
    ],
    recoverable: false,
    explanation:
      'When the -timeout expires, the testing package panics from its own timer goroutine after switching to ' +
      'GOTRACEBACK=all, so every goroutine is printed. Since Go 1.20 the message is followed by "running tests:" and ' +
      'the ' +
      'tests still running with their durations (from Go 1.23 these lines are indented by a tab, as the runtime ' +
      'indents ' +
      'every line after the first of a multi-line panic value). A recover() in test code cannot catch it because the ' +
      'panic is not in a test goroutine. The stuck test is usually blocked on a channel, lock or WaitGroup: look for ' +
      'its ' +
      'goroutine in the dump.',
    causes: [
      'A test waiting for a goroutine that is blocked or never started (a deadlock that the runtime cannot detect).',
      'A test waiting on the network or a subprocess without a deadline.',
    ],
    fixes: [
      fixTimeoutCtx,
      {
        title: 'Give each wait in a test its own deadline, so it fails with a message instead of timing out the binary',
        code: goCode`
func waitFor(t *testing.T, done <-chan struct{}) {
  t.Helper()
  select {
  case <-done:
  case <-time.After(5 * time.Second):
    t.Fatal("worker did not finish within 5s")
  }
}
`,
      },
    ],
    links: [L.testFlags, L.context, L.synctest],
    proof: [claim('test-timeout-cannot-be-recovered')],
  }),
  unexpected_signal: entry({
    kind: 'unexpected_signal',
    title: 'Unexpected signal or fault',
    summary: 'A memory fault or signal arrived where the Go runtime could not turn it into a panic.',
    messages: [
      { text: 'fatal error: unexpected signal during runtime execution', fatal: true, goVersions: '>=1.6' },
      { text: 'unexpected fault address <addr>', fatal: true, goVersions: '>=1.6' },
      { text: 'fatal error: fault', fatal: true, goVersions: '>=1.6' },
      {
        text: '[signal SIGSEGV: segmentation violation code=<code> addr=<addr> pc=<pc>]',
        fatal: true,
        goVersions: '>=1.6',
      },
    ],
    recoverable: false,
    explanation:
      'A fault in Go code at a nil-ish address becomes a nil-dereference panic, but a fault inside the runtime, in C ' +
      'code ' +
      'called through cgo, or at a wild address is a fatal error that recover() cannot catch (except that ' +
      'runtime/debug.SetPanicOnFault turns faults at unexpected addresses in Go code into panics). Causes are memory ' +
      'corruption: cgo bugs, unsafe pointer arithmetic, a data race on an interface or slice header, or a ' +
      'memory-mapped ' +
      'file truncated underneath the program (SIGBUS).',
    causes: [
      'A crash inside C code called through cgo ("signal arrived during cgo execution").',
      'Misuse of unsafe.Pointer or reflect on invalid memory.',
      'A data race on a multi-word value (interface, slice, string) that tore it.',
    ],
    fixes: [
      {
        title: 'Find data races first: run the tests and a production-like workload with -race',
        code: goCode`
// go test -race ./...
// go build -race -o app-race . && ./app-race
func TestConcurrentUse(t *testing.T) {
  var wg sync.WaitGroup
  var mu sync.Mutex
  shared := []int{}
  for i := 0; i < 8; i++ {
    wg.Add(1)
    go func(i int) {
      defer wg.Done()
      mu.Lock()
      defer mu.Unlock()
      shared = append(shared, i)
    }(i)
  }
  wg.Wait()
  if len(shared) != 8 {
    t.Fatalf("got %d items", len(shared))
  }
}
`,
      },
    ],
    links: [
      L.raceDetector,
      L.cgo,
      { title: 'runtime/debug.SetPanicOnFault', url: 'https://pkg.go.dev/runtime/debug#SetPanicOnFault' },
    ],
    proof: [claim('wild-pointer-fault-is-fatal')],
  }),
  goroutine_dump: entry({
    kind: 'goroutine_dump',
    title: 'Goroutine dump',
    summary: 'A listing of goroutines, not a crash: taken with SIGQUIT, pprof, or printed by a tool.',
    messages: [{ text: 'SIGQUIT: quit', fatal: true, goVersions: '>=1.6' }],
    recoverable: false,
    explanation:
      'A goroutine dump shows what every goroutine was doing at one moment. SIGQUIT (Ctrl+\\ or kill -QUIT) makes ' +
      'the ' +
      'runtime print all goroutines and exit with status 2; recover() plays no part, though the program may catch ' +
      'the ' +
      'signal with os/signal first; /debug/pprof/goroutine?debug=2 and runtime.Stack print the same format without ' +
      'stopping the program. It is the tool for hangs the runtime cannot detect: look for many goroutines blocked in ' +
      'the same place, ' +
      'and for long wait times ("[chan receive, 12 minutes]").',
    causes: ['A hang investigated with kill -QUIT or Ctrl+\\.', 'A dump collected from net/http/pprof.'],
    fixes: [
      {
        title: 'Expose goroutine dumps over HTTP on a private port with net/http/pprof',
        code: goCode`
// Also import _ "net/http/pprof" to register the /debug/pprof/ handlers.
func startDebugServer() {
  go func() {
    log.Println(http.ListenAndServe("localhost:6060", nil))
  }()
}
`,
      },
    ],
    links: [L.pprof, L.diagnostics, L.gotraceback],
    proof: [claim('sigquit-dumps-all-goroutines')],
  }),
  user_panic: entry({
    kind: 'user_panic',
    title: 'Panic',
    summary: 'The program called panic (directly or in a library) and nothing recovered it.',
    messages: [
      { text: 'panic: <value>', fatal: false, goVersions: '>=1.6' },
      { text: 'panic: <value> [recovered]', fatal: false, goVersions: '>=1.6' },
      { text: 'panic: <value> [recovered, repanicked]', fatal: false, goVersions: '>=1.25' },
    ],
    recoverable: true,
    explanation:
      'A panic unwinds the panicking goroutine, running its deferred calls; a deferred function that calls recover() ' +
      'stops ' +
      'it. recover() only works in the goroutine that panicked: a recover in main, or in the function that started ' +
      'the ' +
      'goroutine, does not catch a panic in another goroutine, and an unrecovered panic in any goroutine ends the ' +
      'whole ' +
      'program. A panic that was recovered and then raised again with the same value is printed once, marked ' +
      '"[recovered, repanicked]" (Go >= 1.25; older versions print it twice, the first marked "[recovered]").',
    causes: [
      'A deliberate panic for a "cannot happen" state that happened.',
      'A library panicking on invalid input (regexp.MustCompile, template.Must).',
      'A goroutine started without a recover at its top.',
    ],
    fixes: [
      fixRecoverInGoroutine,
      {
        title: 'Return errors for failures a caller can handle instead of panicking',
        code: goCode`
var ErrEmptyName = errors.New("empty name")

func validate(name string) error {
  if strings.TrimSpace(name) == "" {
    return ErrEmptyName
  }
  return nil
}
`,
      },
    ],
    links: [
      L.specRecover,
      L.specPanics,
      { title: 'Defer, Panic, and Recover', url: 'https://go.dev/blog/defer-panic-and-recover' },
    ],
    proof: [claim('recover-only-works-in-the-panicking-goroutine'), claim('repanic-is-printed-once')],
  }),
};

for (const e of Object.values(entries)) Object.freeze(e);

/**
 * Every failure kind, keyed by kind. The type makes the compiler reject a missing kind or a key that disagrees with its
 * entry.
 */
export const catalogue: Readonly<Record<CrashKind, KindEntry>> = Object.freeze(entries);

export function kindEntry(kind: CrashKind): KindEntry {
  return catalogue[kind];
}
