// Prints, for each Go source in the JSON array on standard input, whether go/ast.IsGenerated calls it
// generated: the ground truth test/lint-budget.test.ts checks goroscope's isGeneratedSource against.
package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
)

func main() {
	var sources []string
	if err := json.NewDecoder(os.Stdin).Decode(&sources); err != nil {
		panic(err)
	}
	generated := make([]bool, len(sources))
	for i, source := range sources {
		file, err := parser.ParseFile(token.NewFileSet(), "x.go", source, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil {
			panic(err)
		}
		generated[i] = ast.IsGenerated(file)
	}
	if err := json.NewEncoder(os.Stdout).Encode(generated); err != nil {
		panic(err)
	}
}
