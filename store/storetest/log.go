package storetest

import (
	"slices"
	"testing"
)

func testAppendAndLoad(t *testing.T, e *env) {
	if _, err := e.s.Load(e.ctx, "p1"); !isNotFound(err) {
		t.Fatalf("Load of an unknown process: got %v, want flows.ErrNotFound", err)
	}
	if got := e.processes(); len(got) != 0 {
		t.Fatalf("Processes of an empty store: got %v, want none", got)
	}

	e.appendNew(commit("p1", "k1", 0, "e1", "e2"))
	h := e.load("p1")
	if h.Version != 2 || h.Snapshot != nil || h.SnapshotVersion != 0 || !sameBytes(h.Events, bs("e1", "e2")) {
		t.Fatalf("Load after first commit: got %s, want version 2, no snapshot, events [e1 e2]", fmtHistory(h))
	}

	e.appendNew(commit("p1", "k2", 2, "e3"))
	h = e.load("p1")
	if h.Version != 3 || !sameBytes(h.Events, bs("e1", "e2", "e3")) {
		t.Fatalf("Load after second commit: got %s, want version 3, events [e1 e2 e3]", fmtHistory(h))
	}

	// Another client sees the same data.
	other := e.open()
	if h2, err := other.Load(e.ctx, "p1"); err != nil || !sameHistory(h, h2) {
		t.Fatalf("Load from a second client: got %s, %v, want %s", fmtHistory(h2), err, fmtHistory(h))
	}

	if got, want := e.processes(), []string{"p1"}; !slices.Equal(got, want) {
		t.Fatalf("Processes: got %v, want %v", got, want)
	}
}

func testReadLog(t *testing.T, e *env) {
	e.appendNew(commit("p", "k1", 0, "e1", "e2", "e3"))
	e.appendNew(commit("p", "k2", 3, "e4", "e5"))
	cases := []struct {
		from  int64
		limit int
		want  [][]byte
	}{
		{1, 10, bs("e1", "e2", "e3", "e4", "e5")},
		{1, 5, bs("e1", "e2", "e3", "e4", "e5")},
		{1, 2, bs("e1", "e2")},
		{2, 1, bs("e2")},
		{3, 2, bs("e3", "e4")},
		{4, 100, bs("e4", "e5")},
		{5, 1, bs("e5")},
		{6, 10, nil},
		{100, 10, nil},
	}
	for _, c := range cases {
		got := e.readLog("p", c.from, c.limit)
		if !sameBytes(got, c.want) {
			t.Errorf("ReadLog(from %d, limit %d): got %s, want %s", c.from, c.limit, fmtBytes(got), fmtBytes(c.want))
		}
	}
	if got := e.readLog("unknown", 1, 10); len(got) != 0 {
		t.Errorf("ReadLog of an unknown process: got %s, want none", fmtBytes(got))
	}
}

// bs turns strings into byte strings.
func bs(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}
