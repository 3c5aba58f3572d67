module example.com/st

go 1.26.8
