// A struct built with a literal never makes its map field.
package main

type Index struct {
	name  string
	byKey map[string][]int
}

func (ix *Index) Insert(key string, pos int) {
	ix.byKey[key] = append(ix.byKey[key], pos) // culprit
}

func main() {
	ix := &Index{name: "words"}
	for i, w := range []string{"a", "b", "a"} {
		ix.Insert(w, i)
	}
}
