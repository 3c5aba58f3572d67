// Package nilmapwrite holds cases for the nil-map-write rule. Pos* functions are bugs (each panics at the
// line marked `want`); Neg* functions are correct and must not be reported.
package nilmapwrite

func PosLocalVar() {
	var counts map[string]int
	counts["a"] = 1 // want "nil-map-write"
}

func PosIncrement() {
	var seen map[int]int
	seen[3]++ // want "nil-map-write"
}

func PosInDefer() {
	var done map[string]bool
	defer func() {
		done["x"] = true // want "nil-map-write"
	}()
}

var registry map[string]func()

func PosPackageLevel() {
	registry["init"] = func() {} // want "nil-map-write"
}

type cache struct {
	entries map[string]int
	hits    int
}

func newCache() *cache { return &cache{hits: 0} }

func (c *cache) put(k string, v int) {
	c.entries[k] = v // want "nil-map-write"
}

func PosFieldNeverInitialised() {
	c := newCache()
	c.put("k", 1)
}

func NegMadeLocal() {
	counts := make(map[string]int)
	counts["a"] = 1
	var later map[string]int
	later = map[string]int{}
	later["b"] = 2
}

var enabled = true

func NegAssignedInBranch() {
	var m map[string]int
	if enabled || !enabled {
		m = make(map[string]int)
	}
	m["a"] = 1
}

func NegAddressTaken() {
	var m map[string]int
	initMap(&m)
	m["a"] = 1
}

func initMap(m *map[string]int) { *m = map[string]int{} }

func NegReadOnly() {
	var m map[string]int
	_ = m["a"]
	for range m {
	}
	delete(m, "a")
}

type store struct {
	items map[string]int
}

func newStore() *store { return &store{items: make(map[string]int)} }

func (s *store) set(k string, v int) { s.items[k] = v }

func NegFieldInitialisedByConstructor() {
	newStore().set("a", 1)
}

type lazy struct {
	data map[string]int
}

func (l *lazy) set(k string, v int) {
	if l.data == nil {
		l.data = make(map[string]int)
	}
	l.data[k] = v
}

func NegLazyInit() {
	var l lazy
	l.set("a", 1)
}
