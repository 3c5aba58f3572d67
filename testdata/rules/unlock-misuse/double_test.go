package unlockmisuse

// lockingRecorder reads the meter under its lock: a test double production code never calls.
type lockingRecorder struct {
	m *meter
}

func (r lockingRecorder) record(int) {
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
}
