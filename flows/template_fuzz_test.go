package flows

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fuzzZone knows two zones without the zone database (no I/O in a fuzz run).
func fuzzZone(z string) bool { return z == "Europe/Amsterdam" || z == "UTC" }

// FuzzParseTemplate: no document makes ParseTemplate panic; it returns a
// template or problems, never both or neither; problems are in line order,
// at lines the document has (a key missing at the top is about the whole
// file and has no line), with a message; the answer is the same every
// time; and a template without problems survives the way it is recorded
// in a process's log (JSON) unchanged and still valid.
func FuzzParseTemplate(f *testing.F) {
	for _, dir := range []string{"templates", "testdata"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.toml"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("name = \"x\"\n[kinds.a]\ntitle.nl = \"\u202e\"\n[[steps]]\nkind = \"a\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tmpl, problems := ParseTemplate("f.toml", data, fuzzZone)
		if (tmpl == nil) == (len(problems) == 0) {
			t.Fatalf("template %v with %d problems", tmpl != nil, len(problems))
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for i, p := range problems {
			if p.Line < 0 || p.Line > lines || p.Message == "" || p.File != "f.toml" {
				t.Fatalf("problem %q at line %d of %d", p, p.Line, lines)
			}
			if i > 0 && p.Line < problems[i-1].Line {
				t.Fatalf("problems out of order: %q", problems)
			}
			if p.Line > 0 && !strings.HasPrefix(p.String(), "f.toml:") {
				t.Fatalf("badly formed %q", p)
			}
		}
		again, problems2 := ParseTemplate("f.toml", data, fuzzZone)
		if !reflect.DeepEqual(problems, problems2) || !reflect.DeepEqual(tmpl, again) {
			t.Fatalf("two parses differ: %q and %q", problems, problems2)
		}
		if tmpl == nil {
			return
		}
		if tmpl.Name == "" || len(tmpl.Steps) == 0 || len(tmpl.Kinds) == 0 {
			t.Fatalf("valid template without name, steps or kinds: %+v", tmpl)
		}
		for _, s := range tmpl.Steps {
			if tmpl.Kind(s.Kind) == nil {
				t.Fatalf("step of unknown kind %q", s.Kind)
			}
		}
		logged, err := json.Marshal(tmpl)
		if err != nil {
			t.Fatalf("cannot record the template: %v", err)
		}
		var replayed Template
		if err := json.Unmarshal(logged, &replayed); err != nil {
			t.Fatalf("cannot read the recorded template back: %v", err)
		}
		relogged, _ := json.Marshal(&replayed)
		if !bytes.Equal(logged, relogged) {
			t.Fatalf("recorded template changes on replay:\n%s\n%s", logged, relogged)
		}
		var problems3 []Problem
		replayed.check(func(key, format string, args ...any) {
			problems3 = append(problems3, Problem{Message: key})
		}, fuzzZone)
		if len(problems3) > 0 {
			t.Fatalf("the recorded template is no longer valid: %v", problems3)
		}
	})
}
