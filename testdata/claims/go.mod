module goroscope.test/claims

go 1.21
