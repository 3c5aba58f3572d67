module goroscope.test/rules

go 1.22
