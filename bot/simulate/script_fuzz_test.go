package simulate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseScript: no script makes parseScript panic; a mistake is a
// *ScriptError at a line the script has, with a message; every step of a
// parsed script knows its line, in order; the answer is the same every
// time.
func FuzzParseScript(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("clock 2026-05-11 10:00 Europe/Amsterdam\nperson noor \"Noor\"\nchat c \"C\"\nat +2h\nnoor in c: /new X\ncheck c: members=0\n")
	f.Add("person a \"A\"\nperson a \"B\"\n")
	f.Add("at 25:99\nexpect not : x\ncheck x: y\n")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := parseScript(src)
		lines := strings.Count(src, "\n") + 1
		if err != nil {
			var se *ScriptError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a ScriptError", err)
			}
			if se.Line < 1 || se.Line > lines || se.Msg == "" {
				t.Fatalf("error at line %d of %d: %q", se.Line, lines, se.Msg)
			}
			if s != nil {
				t.Fatal("a script and an error")
			}
			return
		}
		prev := 0
		for _, st := range s.steps {
			if st.line < 1 || st.line > lines || st.line <= prev {
				t.Fatalf("step at line %d after %d, of %d", st.line, prev, lines)
			}
			prev = st.line
		}
		again, err := parseScript(src)
		if err != nil || len(again.steps) != len(s.steps) || len(again.people) != len(s.people) || len(again.chats) != len(s.chats) {
			t.Fatalf("a second parse differs: %v", err)
		}
	})
}
