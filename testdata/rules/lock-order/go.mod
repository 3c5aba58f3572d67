module example.com/rules/lock-order

go 1.22
