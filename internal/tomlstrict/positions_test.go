package tomlstrict

import (
	"fmt"
	"testing"
)

func TestDecodePositions(t *testing.T) {
	var v testTemplate
	pos, problems := Decode([]byte(validTemplate), &v)
	if len(problems) > 0 {
		t.Fatalf("got problems %q, want none", strs(problems))
	}
	for _, tc := range []struct {
		path string
		want Position
	}{
		{"name", Position{2, 1}},
		{"settings", Position{4, 2}},
		{"settings.starts", Position{8, 1}},
		{"kinds", Position{10, 2}}, // implied by the first [kinds.…] header
		{"kinds.intro", Position{10, 8}},
		{"kinds.intro.prompt", Position{11, 1}}, // made by a dotted key
		{"kinds.intro.prompt.en", Position{12, 8}},
		{"kinds.intro.reminders[1]", Position{16, 21}},
		{"kinds.vote.prompt.en", Position{21, 25}},
		{`kinds."open round"`, Position{26, 8}},
		{"steps", Position{28, 3}},
		{"steps[0]", Position{28, 3}},
		{"steps[1]", Position{31, 3}},
		{"steps[1].scope", Position{33, 1}},
		// Not in the document: the nearest parent that is.
		{"kinds.intro.anonymity", Position{10, 8}},
		{`kinds."open round".prompt.nl`, Position{26, 8}},
		{"steps[1].weight.extra", Position{34, 1}},
		{"kinds.missing.prompt", Position{10, 2}},
		{"nowhere.at.all", Position{}},
		{"", Position{}},
	} {
		if got := pos.Of(tc.path); got != tc.want {
			t.Errorf("Of(%q): got %v, want %v", tc.path, got, tc.want)
		}
	}
}

func TestDecodePositionsAfterRedefinition(t *testing.T) {
	// An implied table takes the line of its own header once it has one.
	var v testTemplate
	pos, _ := Decode([]byte("[kinds.intro]\nannounce = true\n[kinds]\n"), &v)
	if got, want := pos.Of("kinds"), (Position{3, 2}); got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestPaths(t *testing.T) {
	for _, tc := range []struct {
		parent, name, joined, parentOf, last string
	}{
		{"", "kinds", "kinds", "", "kinds"},
		{"kinds", "intro", "kinds.intro", "kinds", "intro"},
		{"kinds", "open round", `kinds."open round"`, "kinds", "open round"},
		{"kinds", "a.b", `kinds."a.b"`, "kinds", "a.b"},
		{"kinds", `say "hi"[0]`, `kinds."say \"hi\"[0]"`, "kinds", `say "hi"[0]`},
		{"x", "", `x.""`, "x", ""},
		{"steps[2]", "kind", "steps[2].kind", "steps[2]", "kind"},
		{`a."b.c"[1]`, "d-e_f", `a."b.c"[1].d-e_f`, `a."b.c"[1]`, "d-e_f"},
	} {
		joined := Join(tc.parent, tc.name)
		if joined != tc.joined {
			t.Errorf("Join(%q, %q): got %q, want %q", tc.parent, tc.name, joined, tc.joined)
		}
		if got := parentPath(joined); got != tc.parentOf {
			t.Errorf("parentPath(%q): got %q, want %q", joined, got, tc.parentOf)
		}
		if got := lastSegment(joined); got != tc.last {
			t.Errorf("lastSegment(%q): got %q, want %q", joined, got, tc.last)
		}
	}
	for path, want := range map[string]string{"steps[2]": "steps", "a[0][1]": "a[0]", `"x[1]"`: ""} {
		if got := parentPath(path); got != want {
			t.Errorf("parentPath(%q): got %q, want %q", path, got, want)
		}
	}
}

func TestProblemString(t *testing.T) {
	for _, tc := range []struct {
		p    Problem
		want string
	}{
		{Problem{Line: 12, Column: 1, Key: "kinds.intro.promt", Message: `unknown key "promt" in [kinds.intro] (did you mean "prompt"?)`},
			`line 12: unknown key "promt" in [kinds.intro] (did you mean "prompt"?)`},
		{Problem{Message: "no place"}, "no place"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestLineIndex(t *testing.T) {
	l := newLineIndex([]byte("ab\n\ncd\r\ne"))
	var got []string
	for off := 0; off <= 9; off++ {
		got = append(got, fmt.Sprint(l.at(off)))
	}
	want := "[{1 1} {1 2} {1 3} {2 1} {3 1} {3 2} {3 3} {3 4} {4 1} {4 2}]"
	if fmt.Sprint(got) != want {
		t.Errorf("got %q, want %q", fmt.Sprint(got), want)
	}
}

func TestNestedListPositions(t *testing.T) {
	var v struct{ Grid [][]int }
	doc := "grid = [\n  [1, 2],\n  [\n    3,\n    \"x\",\n  ],\n]\n"
	pos, problems := Decode([]byte(doc), &v)
	if got, want := fmt.Sprint(strs(problems)), `[line 5: item 2 of "grid[1]" must be a whole number, not text]`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for path, want := range map[string]Position{"grid": {1, 1}, "grid[0]": {2, 4}, "grid[1]": {4, 5}, "grid[1][1]": {5, 5}} {
		if got := pos.Of(path); got != want {
			t.Errorf("Of(%q): got %v, want %v", path, got, want)
		}
	}
}
