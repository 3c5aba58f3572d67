// A value decoded as float64 is asserted to be an int.
package main

import (
	"encoding/json"
	"fmt"
)

func main() {
	var doc map[string]interface{}
	if err := json.Unmarshal([]byte(`{"count": 3}`), &doc); err != nil {
		panic(err)
	}
	n := doc["count"].(int) // culprit
	fmt.Println(n)
}
