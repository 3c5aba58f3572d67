module example.com/rules/testing-goroutine-after-test

go 1.22
