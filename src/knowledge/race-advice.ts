// What goroscope says about a data race, by the kind of object that raced. The one place where race
// explanations, fixes and links are written; the analyser picks an entry and the renderers print it.
//
// Claims checked by running programs under -race here (Go 1.17.13 to 1.26.8, see testdata/race-logs):
// - a map race is reported with the runtime's map function on top of the stack (`runtime.mapassign_faststr`,
//   `runtime.mapaccess1_faststr`, ...); from Go 1.24 those functions live in internal/runtime/maps/*.go files
//   (testdata/races/map-read-write, map-write-write);
// - a map written in a loop by two goroutines is also reported by the runtime's own check as
//   `fatal error: concurrent map writes` in the same output (testdata/races/map-fatal);
// - each fix below, applied to the racy program, runs clean under -race (testdata/races/fixed/*);
// - atomic.Bool and atomic.Int64 exist from Go 1.19 (go vet of fixed/field-atomic fails with 1.18.10, passes
//   with 1.19.13).
// What a reader of a racy multi-word value may see is the Go memory model's statement (https://go.dev/ref/mem).
// Fix snippets are Go declarations without package clause or imports (see snippets.ts);
// test/race-knowledge.test.ts compiles every one.

import type { CodeFix, DocLink } from '../model.js';
import { goCode } from './snippets.js';

export type RaceObjectKind = 'map' | 'struct field' | 'variable' | 'slice' | 'unknown';

export interface RaceKindEntry {
  kind: RaceObjectKind;
  title: string;
  /** Why a read racing a write is a bug for this kind of object. */
  readWrite: string;
  /** Why two writes racing is a bug for this kind of object. */
  writeWrite: string;
  fixes: CodeFix[];
  links: DocLink[];
  /** testdata/races programs that demonstrate the claims and fixes. */
  proof: string[];
}

const L = {
  raceDetector: { title: 'Data Race Detector', url: 'https://go.dev/doc/articles/race_detector' },
  memoryModel: { title: 'The Go Memory Model', url: 'https://go.dev/ref/mem' },
  faqMaps: {
    title: 'Go FAQ: Why are map operations not defined to be atomic?',
    url: 'https://go.dev/doc/faq#atomic_maps',
  },
  syncMutex: { title: 'sync.Mutex', url: 'https://pkg.go.dev/sync#Mutex' },
  atomic: { title: 'sync/atomic', url: 'https://pkg.go.dev/sync/atomic' },
};

const lockBothSidesMap: CodeFix = {
  title: 'Lock both sides with the same mutex',
  code: goCode`
type Cache struct {
  mu    sync.Mutex // guards items
  items map[string]string
}

func (c *Cache) Get(key string) (string, bool) {
  c.mu.Lock()
  defer c.mu.Unlock()
  v, ok := c.items[key]
  return v, ok
}

func (c *Cache) Put(key, value string) {
  c.mu.Lock()
  defer c.mu.Unlock()
  c.items[key] = value
}`,
};

const confineMap: CodeFix = {
  title: 'Confine the map to one goroutine and send it requests',
  code: goCode`
type put struct{ key, value string }

// owner is the only goroutine that touches items; others talk to it over channels.
func owner(puts <-chan put, gets <-chan chan map[string]string) {
  items := map[string]string{}
  for {
    select {
    case p, ok := <-puts:
      if !ok {
        return
      }
      items[p.key] = p.value
    case reply := <-gets:
      snapshot := make(map[string]string, len(items))
      for k, v := range items {
        snapshot[k] = v
      }
      reply <- snapshot
    }
  }
}`,
};

const lockBothSidesField: CodeFix = {
  title: 'Lock both sides with the same mutex',
  code: goCode`
type Config struct {
  mu    sync.Mutex // guards ready
  ready bool
}

func (c *Config) SetReady() {
  c.mu.Lock()
  c.ready = true
  c.mu.Unlock()
}

func (c *Config) IsReady() bool {
  c.mu.Lock()
  defer c.mu.Unlock()
  return c.ready
}`,
};

const atomicField: CodeFix = {
  title: 'Use an atomic type for a flag or counter (Go 1.19+)',
  code: goCode`
type Config struct {
  ready atomic.Bool
  hits  atomic.Int64
}

func (c *Config) SetReady()     { c.ready.Store(true) }
func (c *Config) IsReady() bool { return c.ready.Load() }
func (c *Config) Hit()          { c.hits.Add(1) }`,
};

const atomicVariable: CodeFix = {
  title: 'Use an atomic type for a shared counter or flag (Go 1.19+)',
  code: goCode`
var requests atomic.Int64

func handle() {
  requests.Add(1) // instead of requests++
}

func report() int64 {
  return requests.Load()
}`,
};

/** First fix for a plain counter (`x++`, `x += n`) whatever holds it; shown in testdata/races/fixed/counter-atomic. */
export const counterFix: CodeFix = {
  title: 'Make the counter an atomic.Int64 (Go 1.19+)',
  code: goCode`
type Stats struct {
  total atomic.Int64 // was: total int, updated with s.total++ outside the lock
}

func (s *Stats) Add(n int64) { s.total.Add(n) } // instead of s.total += n

func (s *Stats) Total() int64 { return s.total.Load() }`,
};

/**
 * Why a racy counter is a bug. `x++` compiles to a load, an add and a store; under the Go memory model
 * (https://go.dev/ref/mem) a racing read may observe an older write, so two goroutines can both add to the same
 * old value and one update disappears.
 */
export const COUNTER_EXPLANATION =
  'The update is a read, an add and a write, not one step, and nothing orders the goroutines doing it: two ' +
  'of them can read the same old value and both write it back plus one, so an update is lost, and a reader ' +
  'may see a stale value. An atomic.Int64 makes each update one indivisible step; a mutex works too, if ' +
  'every read and write of the counter holds it.';

const mutexVariable: CodeFix = {
  title: 'Guard the variable with a mutex on every read and write',
  code: goCode`
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
}`,
};

const handOff: CodeFix = {
  title: 'Hand the value over a channel instead of sharing it',
  code: goCode`
func compute() int { return 42 }

func run() int {
  result := make(chan int, 1)
  go func() {
    result <- compute() // the send happens before the receive completes
  }()
  return <-result
}`,
};

const ownIndex: CodeFix = {
  title: 'Give each goroutine its own element and read them after Wait',
  code: goCode`
func squares(n int) []int {
  results := make([]int, n) // sized up front: no append, no shared slice header
  var wg sync.WaitGroup
  for i := 0; i < n; i++ {
    wg.Add(1)
    go func(i int) {
      defer wg.Done()
      results[i] = i * i // distinct elements do not race
    }(i)
  }
  wg.Wait() // every write happens before Wait returns
  return results
}`,
};

const lockAppend: CodeFix = {
  title: 'Lock around append and around every read of the slice',
  code: goCode`
type Results struct {
  mu    sync.Mutex // guards items
  items []int
}

func (r *Results) Add(v int) {
  r.mu.Lock()
  r.items = append(r.items, v)
  r.mu.Unlock()
}`,
};

const copyBeforeHandOff: CodeFix = {
  title: 'Copy the slice before handing it to another goroutine',
  code: goCode`
func publish(batch []int, out chan<- []int) {
  snapshot := append([]int(nil), batch...) // the receiver owns the copy
  out <- snapshot
}`,
};

const PROOF = {
  mapRace: ['testdata/races/map-read-write', 'testdata/races/map-write-write', 'testdata/races/map-fatal'],
  fieldRace: ['testdata/races/field', 'testdata/races/heap', 'testdata/races/counter'],
  variableRace: ['testdata/races/global', 'testdata/races/adjacent', 'testdata/races/lost-stack'],
  sliceRace: ['testdata/races/slice'],
};

export const RACE_KINDS: readonly RaceKindEntry[] = [
  {
    kind: 'map',
    title: 'Data race on a map',
    readWrite:
      'One goroutine reads the map while another writes it, and nothing (a mutex, a channel operation, a ' +
      'WaitGroup) orders the two. Maps are not safe for concurrent use when one goroutine writes; when the ' +
      'runtime notices, it stops the whole program with "fatal error: concurrent map read and map write", ' +
      'which no recover() catches.',
    writeWrite:
      'Two goroutines write the same map with nothing ordering the writes. Maps are not safe for concurrent ' +
      'writes; when the runtime notices, it stops the program with "fatal error: concurrent map writes", ' +
      'which no recover() catches.',
    fixes: [lockBothSidesMap, confineMap],
    links: [L.raceDetector, L.faqMaps, L.syncMutex],
    proof: [...PROOF.mapRace, 'testdata/races/fixed/map-mutex', 'testdata/races/fixed/map-confined'],
  },
  {
    kind: 'struct field',
    title: 'Data race on a struct field',
    readWrite:
      'One goroutine reads the field while another writes it, and nothing orders the two. The reader may see ' +
      'the old value or the new one, and for multi-word values (strings, slices, interfaces) the Go memory ' +
      'model allows a value that no single write produced.',
    writeWrite:
      'Two goroutines write the field with nothing ordering the writes, so which value survives depends on ' +
      'timing; a read-modify-write such as `s.n++` also loses updates.',
    fixes: [lockBothSidesField, atomicField],
    links: [L.raceDetector, L.memoryModel, L.syncMutex, L.atomic],
    proof: [
      ...PROOF.fieldRace,
      'testdata/races/fixed/field-mutex',
      'testdata/races/fixed/field-atomic',
      'testdata/races/fixed/counter-atomic',
    ],
  },
  {
    kind: 'variable',
    title: 'Data race on a variable',
    readWrite:
      'One goroutine reads the variable while another writes it, and nothing orders the two. The reader may ' +
      'see the old value or the new one, and for multi-word values (strings, slices, interfaces) the Go memory ' +
      'model allows a value that no single write produced.',
    writeWrite:
      'Two goroutines write the variable with nothing ordering the writes, so which value survives depends on ' +
      'timing; `x++` from several goroutines loses updates.',
    fixes: [atomicVariable, mutexVariable, handOff],
    links: [L.raceDetector, L.memoryModel, L.atomic],
    proof: [
      'testdata/races/fixed/counter-atomic',
      ...PROOF.variableRace,
      'testdata/races/fixed/variable-atomic',
      'testdata/races/fixed/variable-mutex',
      'testdata/races/fixed/variable-channel',
    ],
  },
  {
    kind: 'slice',
    title: 'Data race on a slice or array element',
    readWrite:
      'One goroutine reads an element (or the slice header) while another writes it, and nothing orders the ' +
      'two, so the reader may see the old value or the new one.',
    writeWrite:
      'Two goroutines write the same element, or append to the same slice, with nothing ordering the writes, ' +
      "so which value survives depends on timing and one goroutine's write can be lost.",
    fixes: [ownIndex, lockAppend, copyBeforeHandOff],
    links: [L.raceDetector, L.memoryModel],
    proof: [
      ...PROOF.sliceRace,
      'testdata/races/fixed/slice-own-index',
      'testdata/races/fixed/slice-lock',
      'testdata/races/fixed/slice-copy',
    ],
  },
  {
    kind: 'unknown',
    title: 'Data race',
    readWrite:
      'One goroutine reads memory that another goroutine writes, and nothing (a mutex, a channel operation, a ' +
      'WaitGroup, an atomic) orders the two, so the result depends on timing.',
    writeWrite:
      'Two goroutines write the same memory and nothing orders the writes, so which value survives depends on ' +
      'timing.',
    fixes: [mutexVariable, handOff],
    links: [L.raceDetector, L.memoryModel],
    proof: ['testdata/races/fixed/variable-mutex', 'testdata/races/fixed/variable-channel'],
  },
];

const BY_KIND = new Map<RaceObjectKind, RaceKindEntry>(RACE_KINDS.map((entry) => [entry.kind, entry]));

export function raceKind(kind: RaceObjectKind): RaceKindEntry {
  const entry = BY_KIND.get(kind) ?? BY_KIND.get('unknown');
  if (entry === undefined) throw new Error('race catalogue has no "unknown" entry');
  return entry;
}
