// Package ineffectiverecover holds cases for the ineffective-recover rule. Each Pos* panics and the panic is
// not recovered (the run crashes at the line marked `fires`); Neg* functions recover.
package ineffectiverecover

import "log"

func PosDeferRecover() {
	defer recover() // want "ineffective-recover"
	panic("not recovered") // fires
}

func logPanic() {
	if r := recover(); r != nil {
		log.Println("recovered:", r)
	}
}

func PosHelperCalledFromDeferredClosure() {
	defer func() {
		logPanic() // want "ineffective-recover"
	}()
	panic("still not recovered") // fires
}

func PosNestedLiteral() {
	defer func() {
		func() {
			_ = recover() // want "ineffective-recover"
		}()
	}()
	panic("nested") // fires
}

func NegDeferredHelper() {
	defer logPanic()
	panic("recovered by deferred helper")
}

func NegDirectRecover() {
	defer func() {
		if r := recover(); r != nil {
			log.Println("recovered:", r)
		}
	}()
	panic("recovered directly")
}

func NegHelperCalledOutsideDefer() {
	logPanic()
}
