package storetest

import (
	"bytes"
	"testing"

	"github.com/samen-bot/samen/flows"
)

func testSnapshots(t *testing.T, e *env) {
	check := func(what string, want flows.History) {
		t.Helper()
		if got := e.load("p"); !sameHistory(got, want) {
			t.Fatalf("Load %s: got %s, want %s", what, fmtHistory(got), fmtHistory(want))
		}
	}
	e.appendNew(commit("p", "k1", 0, "e1", "e2"))
	check("without a snapshot", flows.History{Version: 2, Events: bs("e1", "e2")})

	c := commit("p", "k2", 2, "e3")
	c.Snapshot = []byte("state at 3")
	e.appendNew(c)
	check("right after a snapshot", flows.History{Version: 3, Snapshot: []byte("state at 3"), SnapshotVersion: 3})

	e.appendNew(commit("p", "k3", 3, "e4", "e5"))
	check("after a commit without snapshot", flows.History{Version: 5, Snapshot: []byte("state at 3"), SnapshotVersion: 3, Events: bs("e4", "e5")})

	c = commit("p", "k4", 5, "e6", "e7")
	c.Snapshot = []byte("state at 7")
	e.appendNew(c)
	e.appendNew(commit("p", "k5", 7, "e8"))
	check("after a second snapshot", flows.History{Version: 8, Snapshot: []byte("state at 7"), SnapshotVersion: 7, Events: bs("e8")})

	// An empty snapshot is a snapshot (nil is none).
	c = commit("p", "k6", 8, "e9")
	c.Snapshot = []byte{}
	e.appendNew(c)
	h := e.load("p")
	if h.Snapshot == nil || len(h.Snapshot) != 0 || h.SnapshotVersion != 9 || len(h.Events) != 0 {
		t.Fatalf("Load after an empty snapshot: got %s (nil snapshot: %t), want an empty, non-nil snapshot at 9", fmtHistory(h), h.Snapshot == nil)
	}

	// The log keeps every event.
	all := e.readLog("p", 1, 100)
	if !sameBytes(all, bs("e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9")) {
		t.Fatalf("ReadLog after snapshots: got %s, want e1…e9", fmtBytes(all))
	}
	if !bytes.Equal(e.readLog("p", 3, 1)[0], []byte("e3")) {
		t.Fatalf("ReadLog(3, 1): want e3")
	}
}
