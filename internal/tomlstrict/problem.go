package tomlstrict

import (
	"cmp"
	"fmt"
	"slices"
)

// Problem is one thing wrong in a document, with where it is. Line and
// Column are 1-based; both are 0 only when a problem has no place.
type Problem struct {
	Line, Column int
	// Key is the dotted path of the key the problem is about (see the
	// package doc); it is empty for syntax errors.
	Key     string
	Message string
	// Syntax marks a syntax error: decoding stopped there, so what was
	// decoded is incomplete and checks of its meaning would only add noise.
	Syntax bool
}

// String formats the problem for a person: `line 12: unknown key "promt" in
// [kinds.intro] (did you mean "prompt"?)`.
func (p Problem) String() string {
	if p.Line <= 0 {
		return p.Message
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Message)
}

// sortProblems puts problems in line order. The sort is stable so that two
// problems on one line keep the order in which they were found.
func sortProblems(problems []Problem) {
	slices.SortStableFunc(problems, func(a, b Problem) int {
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		return cmp.Compare(a.Column, b.Column)
	})
}
