package storetest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/samen-bot/samen/flows"
)

func (e *env) rewrite(rw flows.Rewrite) {
	e.t.Helper()
	if err := e.s.RewriteLog(e.ctx, rw); err != nil {
		e.t.Fatalf("RewriteLog(%s at %d): %v", rw.Process, rw.Expected, err)
	}
}

// withRewritten is log with the events of rw in place and its marker after.
func withRewritten(log [][]byte, rw flows.Rewrite) [][]byte {
	out := make([][]byte, len(log))
	copy(out, log)
	for v, ev := range rw.Events {
		out[v-1] = ev
	}
	return append(out, rw.Marker)
}

// testRewriteLog rewrites two events of a process with a snapshot, pending
// outbox entries, a ref, a timer and idempotency keys; only the events and
// the snapshot change, and the old bytes are gone from the store.
func testRewriteLog(t *testing.T, e *env) {
	e.buildProcess("p", dueBase)
	secret := commit("p", "p-k4", 5, "name=alice")
	secret.Snapshot = []byte("snapshot naming alice")
	e.appendNew(secret)
	e.appendNew(commit("p", "p-k5", 6, "e7"))
	e.buildProcess("q", dueBase)
	before := e.state("p")
	logP, logQ := e.readLog("p", 1, 100), e.readLog("q", 1, 100)
	if len(logP) != 7 {
		t.Fatalf("ReadLog(p): got %s, want 7 events", fmtBytes(logP))
	}

	rw := flows.Rewrite{
		Process:  "p",
		Expected: 7,
		Events:   map[int64][]byte{2: oddBytes("second"), 6: oddBytes("name=#1"), 7: {}},
		Marker:   oddBytes("rewritten"),
		Snapshot: oddBytes("snapshot naming #1"),
	}
	e.rewrite(rw)

	want := withRewritten(logP, rw)
	if got := e.readLog("p", 1, 100); !sameBytes(got, want) {
		t.Fatalf("ReadLog(p) after the rewrite: got %s, want %s", fmtBytes(got), fmtBytes(want))
	}
	for v := int64(1); v <= 8; v++ {
		if got := e.readLog("p", v, 1); len(got) != 1 || !bytes.Equal(got[0], want[v-1]) {
			t.Errorf("ReadLog(p, %d, 1): got %s, want [%q]", v, fmtBytes(got), want[v-1])
		}
	}
	wantH := flows.History{Version: 8, Snapshot: rw.Snapshot, SnapshotVersion: 8, Events: [][]byte{}}
	if h := e.load("p"); !sameHistory(h, wantH) {
		t.Fatalf("Load(p) after the rewrite: got %s, want %s", fmtHistory(h), fmtHistory(wantH))
	}
	// Everything but the log, its version and the snapshot is as it was.
	after := before
	after.history = wantH
	e.checkUnchanged("a rewrite", after, "p")
	if id, err := e.s.MessageRef(e.ctx, "p", "progress"); err != nil || id != "m-17" {
		t.Errorf("MessageRef(p, progress) after the rewrite: got %q, %v, want m-17", id, err)
	}
	res, err := e.s.Append(e.ctx, commit("p", "p-k4", 0, "again"))
	if err != nil {
		t.Fatalf("replay of p-k4 after the rewrite: %v", err)
	}
	wantReplay(t, "replay of p-k4 after the rewrite", res, flows.AppendResult{Version: 6, Result: secret.Result})
	if got := e.readLog("q", 1, 100); !sameBytes(got, logQ) {
		t.Errorf("ReadLog(q) after rewriting p: got %s, want %s", fmtBytes(got), fmtBytes(logQ))
	}
	for k, v := range e.dump() {
		if strings.Contains(k, "alice") || bytes.Contains(v, []byte("alice")) {
			t.Errorf("Dump after the rewrite: %q = %q still names alice", k, v)
		}
	}

	// Appends go on after the marker, on top of the new snapshot; one
	// expecting the version before the rewrite conflicts.
	wantConflict(t, func() error { _, err := e.s.Append(e.ctx, commit("p", "p-k8", 7, "e8")); return err }(), "p", 7, 8)
	e.appendNew(commit("p", "p-k9", 8, "e9"))
	wantH = flows.History{Version: 9, Snapshot: rw.Snapshot, SnapshotVersion: 8, Events: bs("e9")}
	if h := e.load("p"); !sameHistory(h, wantH) {
		t.Fatalf("Load(p) after appending: got %s, want %s", fmtHistory(h), fmtHistory(wantH))
	}
}

// testRewriteConflict rewrites at versions the log is not at.
func testRewriteConflict(t *testing.T, e *env) {
	e.buildProcess("p", dueBase)
	before := e.state("p")
	log := e.readLog("p", 1, 100)
	dump := e.dump()
	for _, expected := range []int64{4, 6, 100} {
		rw := flows.Rewrite{
			Process:  "p",
			Expected: expected,
			Events:   map[int64][]byte{1: []byte("new 1"), 4: []byte("new 4")},
			Marker:   []byte("marker"),
			Snapshot: []byte("new snapshot"),
		}
		wantConflict(t, e.s.RewriteLog(e.ctx, rw), "p", expected, 5)
		e.checkUnchanged("a conflicting rewrite", before, "p")
		if got := e.readLog("p", 1, 100); !sameBytes(got, log) {
			t.Fatalf("ReadLog after a conflicting rewrite: got %s, want %s", fmtBytes(got), fmtBytes(log))
		}
	}
	if got := e.dump(); !sameDump(got, dump) {
		t.Fatalf("Dump after conflicting rewrites: got %s, want %s", fmtDump(got), fmtDump(dump))
	}
}

func testRewriteNotFound(t *testing.T, e *env) {
	e.appendNew(commit("other", "k", 0, "e1"))
	rw := flows.Rewrite{Process: "missing", Expected: 1, Events: map[int64][]byte{1: []byte("x")}, Marker: []byte("m"), Snapshot: []byte("s")}
	if err := e.s.RewriteLog(e.ctx, rw); !isNotFound(err) {
		t.Fatalf("RewriteLog(missing): got %v, want flows.ErrNotFound", err)
	}
	if _, err := e.s.Load(e.ctx, "missing"); !isNotFound(err) {
		t.Fatalf("Load(missing) after RewriteLog: got %v, want flows.ErrNotFound", err)
	}
	if got := e.readLog("missing", 1, 10); len(got) != 0 {
		t.Fatalf("ReadLog(missing) after RewriteLog: got %s, want none", fmtBytes(got))
	}
	if ps := e.processes(); len(ps) != 1 || ps[0] != "other" {
		t.Fatalf("Processes after RewriteLog(missing): got %v, want [other]", ps)
	}
}

// testRewriteInvalid sends malformed rewrites of a process at version 2:
// each is refused with its validation error, and nothing is written.
func testRewriteInvalid(t *testing.T, e *env) {
	e.appendNew(commit("p", "k", 0, "e1", "e2"))
	before := e.state("p")
	dump := e.dump()
	good := func() flows.Rewrite {
		return flows.Rewrite{Process: "p", Expected: 2, Events: map[int64][]byte{1: []byte("new 1")}, Marker: []byte("m"), Snapshot: []byte("s")}
	}
	bad := map[string]func(rw *flows.Rewrite){
		"version 0":              func(rw *flows.Rewrite) { rw.Events[0] = []byte("x") },
		"version after expected": func(rw *flows.Rewrite) { rw.Events[3] = []byte("x") },
		"negative version":       func(rw *flows.Rewrite) { rw.Events[-1] = []byte("x") },
		"nil event":              func(rw *flows.Rewrite) { rw.Events[2] = nil },
		"no events":              func(rw *flows.Rewrite) { rw.Events = nil },
		"nil snapshot":           func(rw *flows.Rewrite) { rw.Snapshot = nil },
		"no marker":              func(rw *flows.Rewrite) { rw.Marker = nil },
		"expected 0":             func(rw *flows.Rewrite) { rw.Expected = 0; rw.Events = map[int64][]byte{} },
		"no process":             func(rw *flows.Rewrite) { rw.Process = "" },
		"brace in process":       func(rw *flows.Rewrite) { rw.Process = "p{1}" },
		"closing brace only":     func(rw *flows.Rewrite) { rw.Process = "}p" },
	}
	for name, spoil := range bad {
		rw := good()
		spoil(&rw)
		err := e.s.RewriteLog(e.ctx, rw)
		if err == nil || errors.Is(err, flows.ErrVersionConflict) || isNotFound(err) {
			t.Errorf("RewriteLog with %s: got %v, want a validation error", name, err)
			continue
		}
		if verr := rw.Validate(); verr != nil && !strings.Contains(err.Error(), verr.Error()) {
			t.Errorf("RewriteLog with %s: got %v, want it to carry %q", name, err, verr)
		}
		e.checkUnchanged("RewriteLog with "+name, before, "p")
	}
	if got := e.readLog("p", 1, 10); !sameBytes(got, bs("e1", "e2")) {
		t.Fatalf("ReadLog after invalid rewrites: got %s, want [e1 e2]", fmtBytes(got))
	}
	if got := e.dump(); !sameDump(got, dump) {
		t.Fatalf("Dump after invalid rewrites: got %s, want %s", fmtDump(got), fmtDump(dump))
	}
}

// sameDump compares two dumps.
func sameDump(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}
