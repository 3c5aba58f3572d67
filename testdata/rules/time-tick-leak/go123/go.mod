module goroscope.test/timetick123

// From go 1.23 unreferenced tickers are garbage collected: time.Tick in a returning function is fine.
go 1.23
