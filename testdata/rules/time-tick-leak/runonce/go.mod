module goroscope.test/runonce

// Before go 1.23: an unstopped ticker would leak on every call, but this one is made once per process.
go 1.21
