module example.com/rules/blocking-under-lock

go 1.22
