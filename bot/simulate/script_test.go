package simulate

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestCheckFieldsParse checks that a check line takes the fields doc.go
// names, and says what is wrong with the others.
func TestCheckFieldsParse(t *testing.T) {
	head := "person wim \"Wim\"\nchat g \"Groep\"\n"
	for _, tc := range []struct {
		line, err string
	}{
		{"check g: members=1 answered=0 passed=0 round=0 turn=wim held=0 started=0 hidden=0 paused=0", ""},
		{"check g: turn=none", ""},
		{"check g: turn=henk", "turn is a person, or none"},
		{"check g: paused=2", "paused is 0 or 1"},
		{"check g: held=een", "held is a number"},
		{"check g: hidden=-1", "hidden is a number"},
		{"check g: speaker=wim", "use members="},
		{"check g: turn", "use members="},
	} {
		_, err := parseScript(head + tc.line + "\n")
		var se *ScriptError
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.line, err)
		case tc.err != "" && (!errors.As(err, &se) || se.Line != 3 || !strings.Contains(se.Msg, tc.err)):
			t.Errorf("%q: got %v, want a line 3 error with %q", tc.line, err, tc.err)
		}
	}
}

// TestCheckFieldsRun checks the fields read from the process's state: a
// wrong value is a failure that names the field, what it is and what was
// wanted.
func TestCheckFieldsRun(t *testing.T) {
	src := `person ilse "Ilse"
person wim "Wim"
person els "Els"
chat g "Groep"
chat h "Huis"
ilse: /new Proef
ilse in g: /link $CODE Groep
ilse in h: /link $CODE Huis
wim presses "Ik stem in en doe mee" in g
els presses "Ik stem in en doe mee" in g
check g: turn=none held=0 paused=0 hidden=0 started=0
ilse: /pause
check g: paused=1
check g: paused=0
ilse: /resume
check g: paused=0
ilse in g: /round checkin
check g: turn=els held=0
check g: turn=wim
`
	res, err := Run(context.Background(), src, Options{Store: openBolt(t)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Failures {
		got = append(got, f.String())
	}
	want := []string{"line 14: check g: paused=1, want 0"}
	// Who speaks first is drawn from the round's seed; the check must fail
	// on exactly one of the two turn lines.
	switch {
	case len(got) != 2 || got[0] != want[0]:
		t.Fatalf("failures: %q, want %q and one failed turn check", got, want)
	case got[1] != "line 18: check g: turn=wim, want els" && got[1] != "line 19: check g: turn=els, want wim":
		t.Errorf("failure %q, want one failed turn check", got[1])
	}
}
