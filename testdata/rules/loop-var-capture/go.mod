module goroscope.test/loopvar

// Before go 1.22: one loop variable per loop, which is what the rule is about.
go 1.21
