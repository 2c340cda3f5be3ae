package tomlstrict

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecode checks that no document makes Decode panic, and that what it
// reports is well formed: problems in line order, at lines the document
// has, the same on every run.
func FuzzDecode(f *testing.F) {
	f.Add(validTemplate)
	for _, tc := range decodeProblemCases {
		f.Add(tc.doc)
	}
	for _, tc := range tomlRuleCases {
		f.Add(tc.doc)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		data := []byte(doc)
		var v testTemplate
		positions, problems := Decode(data, &v)

		lines := bytes.Count(data, []byte("\n")) + 1
		for i, p := range problems {
			if p.Line < 1 || p.Line > lines || p.Column < 1 {
				t.Fatalf("problem %q is at %d:%d, outside the document's %d lines", p, p.Line, p.Column, lines)
			}
			if i > 0 && (p.Line < problems[i-1].Line || p.Line == problems[i-1].Line && p.Column < problems[i-1].Column) {
				t.Fatalf("problems out of order: %q", strs(problems))
			}
			if !strings.HasPrefix(p.String(), fmt.Sprintf("line %d: ", p.Line)) || p.Message == "" {
				t.Fatalf("badly formed problem %q", p)
			}
			positions.Of(p.Key)
		}
		for path, pos := range positions {
			if pos.Line < 1 || pos.Line > lines || pos.Column < 1 {
				t.Fatalf("%s is at %v, outside the document's %d lines", path, pos, lines)
			}
		}

		var again testTemplate
		positions2, problems2 := Decode(data, &again)
		if !reflect.DeepEqual(problems, problems2) || !reflect.DeepEqual(positions, positions2) {
			t.Fatalf("two runs differ: %q and %q", strs(problems), strs(problems2))
		}
	})
}
