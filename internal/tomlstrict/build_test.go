package tomlstrict

import (
	"fmt"
	"testing"
)

// tomlRuleCases are documents valid or not by TOML's rules on where keys and
// tables may be defined, whatever struct they decode into. Their problems are
// the builder's alone; they also seed the differential fuzz target.
var tomlRuleCases = []struct {
	name string
	doc  string
	want []string
}{
	{"dotted keys share a table", "a.b = 1\na.c = 2\n", nil},
	{"super-table after sub-table", "[a.b]\nx = 1\n[a]\ny = 2\n", nil},
	{"sub-table inside a dotted table", "[a]\nb.c = 1\n[a.b.d]\ne = 1\n", nil},
	{"array of tables with sub-tables", "[[a]]\nx = 1\n[a.b]\ny = 1\n[[a]]\nx = 2\n[a.b]\ny = 2\n", nil},
	{"inline table with dotted keys", "x = {a.b = 1, a.c = 2}\n", nil},
	{"inline array of inline tables", "x = [{a = 1}, {a = 2}]\n", nil},
	{"quoted keys", "\"two words\" = 1\na.\"b.c\" = 2\n'lit' = 3\n", nil},
	{"empty document", "", nil},
	{"comments and blank lines", "# top\n\n[a] # header\nb = 1 # value\n", nil},

	{"key twice", "a = 1\nb = 2\na = 3\n",
		[]string{`line 3: key "a" is defined twice (first at line 1)`}},
	{"key twice through dotted keys", "a.b = 1\na.b = 2\n",
		[]string{`line 2: key "b" is defined twice (first at line 1)`}},
	{"key twice in an inline table", "x = {a = 1, a = 2}\n",
		[]string{`line 1: key "a" is defined twice (first at line 1)`}},
	{"table header twice", "[a]\nx = 1\n[a]\ny = 2\n",
		[]string{`line 3: table [a] is defined twice (first at line 1)`}},
	{"key repeated in a repeated table", "[a]\nx = 1\n[a]\nx = 2\n",
		[]string{`line 3: table [a] is defined twice (first at line 1)`, `line 4: key "x" is defined twice (first at line 2)`}},
	{"header after dotted keys", "a.b = 1\n[a]\n",
		[]string{`line 2: table [a] is defined twice (first at line 1)`}},
	{"header for a dotted table", "[a]\nb.c = 1\n[a.b]\n",
		[]string{`line 3: table [a.b] is defined twice (first at line 2)`}},
	{"dotted keys into a header table", "[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n",
		[]string{`line 4: table [a.b] is defined at line 1: write its keys under a [a.b] header, not as dotted keys`}},
	{"dotted keys into an implied table", "[a.b.c]\n[a]\nb.d = 1\n",
		[]string{`line 3: table [a.b] is defined at line 1: write its keys under a [a.b] header, not as dotted keys`}},
	{"header for an inline table", "x = {a = 1}\n[x]\n",
		[]string{`line 2: table [x] is defined twice (first at line 1)`}},
	{"dotted keys into an inline table", "x = {a = 1}\nx.b = 2\n",
		[]string{`line 2: cannot add keys to x: it is an inline table at line 1, which must be complete where it is written`}},
	{"sub-table of an inline table", "x = {a = 1}\n[x.y]\n",
		[]string{`line 2: x cannot have tables added: it is an inline table at line 1, which must be complete where it is written`}},
	{"inline table extended inside itself", "x = {a = {b = 1}, a.c = 2}\n",
		[]string{`line 1: cannot add keys to x.a: it is an inline table at line 1, which must be complete where it is written`}},
	{"array of tables onto a static array", "x = [1]\n[[x]]\n",
		[]string{`line 2: [[x]] cannot add to x: it is already set to a list at line 1`}},
	{"table onto an array of tables", "[[x]]\n[x]\n",
		[]string{`line 2: [x] cannot be a table: it is a list of tables ([[x]]) started at line 1`}},
	{"array of tables onto a table", "[x]\n[[x]]\n",
		[]string{`line 2: [[x]] cannot add to x: it is already a table at line 1`}},
	{"table under a value", "x = 1\n[x.y]\n",
		[]string{`line 2: x cannot have tables added: it is already set to a number at line 1`}},
	{"dotted key under a value", "x = \"a\"\nx.y = 2\n",
		[]string{`line 2: cannot add keys to x: it is already set to text at line 1`}},
	{"table under a static array", "x = [{a = 1}]\n[x.b]\n",
		[]string{`line 2: x cannot have tables added: it is already set to a list at line 1`}},
	{"every problem, in order", "a = 1\na = 2\n[t]\n[t]\nb = 1\nb = 2\n",
		[]string{`line 2: key "a" is defined twice (first at line 1)`, `line 4: table [t] is defined twice (first at line 3)`, `line 6: key "b" is defined twice (first at line 5)`}},

	{"syntax error: missing value", "a = 1\nb =\nc = 3\n",
		[]string{`line 2: syntax error: unexpected character U+000A at start of value`}},
	{"syntax error: unquoted text", "a = 1\n\nb = hello\n",
		[]string{`line 3: syntax error: unexpected character U+0068 'h' at start of value`}},
	{"syntax error: unterminated string", "a = \"open\n",
		[]string{`line 1: syntax error: basic strings cannot have new lines`}},
	{"syntax error at the end", "a = [1,\n",
		[]string{`line 1: syntax error: array is incomplete`}},
	{"syntax error after a duplicate", "a = 1\na = 2\n[b\n",
		[]string{`line 2: key "a" is defined twice (first at line 1)`, `line 3: syntax error: expected ']' to close table name`}},
}

func TestBuildRules(t *testing.T) {
	for _, tc := range tomlRuleCases {
		t.Run(tc.name, func(t *testing.T) {
			_, problems := build([]byte(tc.doc))
			sortProblems(problems)
			got := fmt.Sprint(strs(problems))
			if want := fmt.Sprint(tc.want); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestBuildRulesAgreeWithGoToml(t *testing.T) {
	for _, tc := range tomlRuleCases {
		t.Run(tc.name, func(t *testing.T) {
			checkAgainstGoToml(t, []byte(tc.doc))
		})
	}
}

// strs formats problems as a person reads them.
func strs(problems []Problem) []string {
	var out []string
	for _, p := range problems {
		out = append(out, p.String())
	}
	return out
}

// dateCases seed the differential fuzz target with dates and times, which
// this package checks itself.
var dateCases = []string{
	"d = 1979-05-27\n",
	"d = 1979-05-27T07:32:00Z\n",
	"d = 1979-05-27 07:32:00.999999-07:00\n",
	"d = 1979-05-27t07:32z\n",
	"t = 07:32:00\n",
	"t = 07:32\n",
	"d = 1979-02-30\n",
	"t = 25:00:00\n",
	"d = 1979-05-27T07:32:00+24:00\n",
	"d = 1979-05-27T07:32:00+23:60\n",
	"d = 1979-05-27T07:32:60Z\n",
	"d = [1979-05-27, 00:00:00.1234567891]\n",
}
