module goroscope.test/timetick

// Before go 1.23: asynctimerchan=1, so a ticker that is never stopped is never garbage collected.
go 1.22
