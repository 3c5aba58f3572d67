module goroscope.test/claims/synctestoutside

// synctest needs the Go 1.23+ timer semantics (asynctimerchan=0), which a go line below 1.23 turns off.
go 1.25
