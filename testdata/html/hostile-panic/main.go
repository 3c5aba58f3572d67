// A program whose panic value and goroutine state carry HTML: the report must show it as text and run none
// of it. Recorded into hostile-panic.log by scripts/record-html-fixtures.sh.
package main

import "fmt"

type Handler struct{ routes map[string]string }

func (h *Handler) Register(path, name string) {
	h.routes[path] = name // culprit
}

func main() {
	payload := `<script>window.__goroscopeXss = 1</script><img src=x onerror="window.__goroscopeXss = 2">` + "\u2028</script>"
	defer func() {
		if r := recover(); r != nil {
			panic(fmt.Sprintf("register %s: %v", payload, r))
		}
	}()
	h := &Handler{}
	h.Register("/admin", payload)
}
