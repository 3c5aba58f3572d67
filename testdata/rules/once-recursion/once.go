// Package oncerecursion holds cases for the once-recursion rule. Each Pos* blocks forever inside the inner
// Do; the test binary's timeout dump shows the marked line.
package oncerecursion

import "sync"

var setup sync.Once

func PosNestedDo() {
	setup.Do(func() {
		setup.Do(func() {}) // want "once-recursion"
	})
}

type client struct {
	once sync.Once
	conn string
}

func (c *client) connect() {
	c.once.Do(func() {
		c.conn = "dialled"
		c.once.Do(func() { c.conn = "again" }) // want "once-recursion"
	})
}

func PosFieldOnce() {
	(&client{}).connect()
}

func NegTwoOnces() {
	var a, b sync.Once
	a.Do(func() {
		b.Do(func() {})
	})
}

func NegSequentialDo() {
	var once sync.Once
	once.Do(func() {})
	once.Do(func() {})
}
