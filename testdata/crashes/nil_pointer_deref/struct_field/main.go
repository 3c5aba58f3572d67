// A lookup returns nil on a miss and the caller uses the result unchecked.
package main

import "fmt"

type User struct {
	Name  string
	Email string
}

var users = map[int]*User{1: {Name: "ann", Email: "ann@example.com"}}

func find(id int) *User {
	return users[id]
}

func main() {
	u := find(2)
	fmt.Println(u.Email) // culprit
}
