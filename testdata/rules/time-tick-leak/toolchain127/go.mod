module goroscope.test/timetick127

// The go line keeps the old timers up to Go 1.26; the toolchain line says Go 1.27.3 builds it, and Go 1.27
// removed the old timers (asynctimerchan), so unreferenced tickers are collected.
go 1.22

toolchain go1.27.3
