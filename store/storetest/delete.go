package storetest

import (
	"bytes"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
)

// doomed is the id of the process testDeleteProcess deletes: distinctive,
// so that its traces can be told apart in a dump.
const doomed = "doomed"

func (e *env) deleteProcess(p string) {
	e.t.Helper()
	if err := e.s.DeleteProcess(e.ctx, p); err != nil {
		e.t.Fatalf("DeleteProcess(%s): %v", p, err)
	}
}

// withoutDoomed is a dump without what belongs to doomed: keys that name it
// (as text or in hex) and value lines that are its id or start with it (a
// member of a set or sorted set).
func withoutDoomed(m map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	hexID := hex.EncodeToString([]byte(doomed))
	for k, v := range m {
		if strings.Contains(k, doomed) || strings.Contains(k, hexID) {
			continue
		}
		var kept [][]byte
		for _, line := range bytes.Split(v, []byte("\n")) {
			if !bytes.Equal(line, []byte(doomed)) && !bytes.HasPrefix(line, []byte(doomed+" ")) {
				kept = append(kept, line)
			}
		}
		out[k] = bytes.Join(kept, []byte("\n"))
	}
	return out
}

// testDeleteProcess deletes a process with everything a process can have,
// next to another process and shared values (some naming it), and checks
// that it is gone for every reader while nothing else changed.
func testDeleteProcess(t *testing.T, e *env) {
	e.buildProcess(doomed, dueBase)
	e.buildProcess("kept", dueBase.Add(time.Second))
	if err := e.s.SetIndex(e.ctx, "chat-1", doomed); err != nil {
		t.Fatalf("SetIndex: %v", err)
	}
	if err := e.s.AddToSet(e.ctx, "members", doomed); err != nil {
		t.Fatalf("AddToSet: %v", err)
	}
	if err := e.s.AddToSet(e.ctx, "members", "kept"); err != nil {
		t.Fatalf("AddToSet: %v", err)
	}
	if err := e.s.PutTemp(e.ctx, "pending-input", []byte("for "+doomed), time.Hour); err != nil {
		t.Fatalf("PutTemp: %v", err)
	}
	if !e.lease("sender", "holder-1", time.Hour) {
		t.Fatalf("Lease: not taken")
	}
	keptLog, keptOutbox := e.readLog("kept", 1, 100), e.pending("kept")
	before := e.dump()

	e.deleteProcess(doomed)

	if _, err := e.s.Load(e.ctx, doomed); !isNotFound(err) {
		t.Errorf("Load after DeleteProcess: got %v, want flows.ErrNotFound", err)
	}
	if got := e.readLog(doomed, 1, 100); len(got) != 0 {
		t.Errorf("ReadLog after DeleteProcess: got %s, want none", fmtBytes(got))
	}
	if got := e.pending(doomed); len(got) != 0 {
		t.Errorf("PendingOutbox after DeleteProcess: got %s, want none", fmtOutbox(got))
	}
	if id, err := e.s.MessageRef(e.ctx, doomed, "progress"); !isNotFound(err) {
		t.Errorf("MessageRef after DeleteProcess: got %q, %v, want flows.ErrNotFound", id, err)
	}
	if _, err := e.s.BackupProcess(e.ctx, doomed); !isNotFound(err) {
		t.Errorf("BackupProcess after DeleteProcess: got %v, want flows.ErrNotFound", err)
	}
	if ps := e.processes(); !slices.Equal(ps, []string{"kept"}) {
		t.Errorf("Processes after DeleteProcess: got %v, want [kept]", ps)
	}
	wantDue := []flows.DueProcess{{Process: "kept", At: dueBase.Add(time.Second)}}
	for range 2 { // and again after any repair the first call made
		if got := e.due(farFuture, 100); !sameDue(got, wantDue) {
			t.Errorf("Due after DeleteProcess: got %s, want %s", fmtDue(got), fmtDue(wantDue))
		}
	}
	if ps := e.outboxProcesses(); !slices.Equal(ps, []string{"kept"}) && !slices.Equal(ps, []string{doomed, "kept"}) {
		t.Errorf("OutboxProcesses after DeleteProcess: got %v, want [kept] (and at most a hint of %s)", ps, doomed)
	}

	// Nothing else changed: the other process, indexes, sets, temporary
	// values and leases, even those naming the deleted process.
	if got := e.readLog("kept", 1, 100); !sameBytes(got, keptLog) {
		t.Errorf("ReadLog(kept): got %s, want %s", fmtBytes(got), fmtBytes(keptLog))
	}
	if got := e.pending("kept"); !sameOutbox(got, keptOutbox) {
		t.Errorf("PendingOutbox(kept): got %s, want %s", fmtOutbox(got), fmtOutbox(keptOutbox))
	}
	if v, err := e.s.Index(e.ctx, "chat-1"); err != nil || v != doomed {
		t.Errorf("Index(chat-1): got %q, %v, want %q", v, err, doomed)
	}
	if m, err := e.s.SetMembers(e.ctx, "members"); err != nil || !slices.Equal(m, []string{doomed, "kept"}) {
		t.Errorf("SetMembers(members): got %v, %v, want [%s kept]", m, err, doomed)
	}
	if v, err := e.temp("pending-input"); err != nil || string(v) != "for "+doomed {
		t.Errorf("Temp(pending-input): got %q, %v, want %q", v, err, "for "+doomed)
	}
	if e.lease("sender", "holder-2", time.Hour) {
		t.Errorf("Lease(sender) by another holder after DeleteProcess: taken, want still held by holder-1")
	}
	after := e.dump()
	if a, b := withoutDoomed(after), withoutDoomed(before); !sameDump(a, b) {
		t.Errorf("Dump after DeleteProcess, without the deleted process:%s\nwant:%s", fmtDump(a), fmtDump(b))
	}
	hexID := hex.EncodeToString([]byte(doomed))
	for k := range after {
		// A store may keep a set member in the key: the shared set still
		// names the process, as it should.
		if strings.Contains(k, "members") {
			continue
		}
		if strings.Contains(k, doomed) || strings.Contains(k, hexID) {
			t.Errorf("Dump after DeleteProcess: key %q is still there", k)
		}
	}

	// Deleting it again, or a process that never was, is not an error.
	e.deleteProcess(doomed)
	e.deleteProcess("never")
	if got := e.dump(); !sameDump(got, after) {
		t.Errorf("Dump after deleting again: got %s, want %s", fmtDump(got), fmtDump(after))
	}

	// The id starts afresh: an old key does not replay, the outbox
	// sequence starts at 1 again, the old ref is gone.
	c := richCommit(doomed, doomed+"-k2", 0, dueBase.Add(time.Minute), "fresh")
	c.Snapshot = nil
	e.appendNew(c)
	want := flows.History{Version: 1, Events: bs("fresh")}
	if h := e.load(doomed); !sameHistory(h, want) {
		t.Fatalf("Load after re-creating: got %s, want %s", fmtHistory(h), fmtHistory(want))
	}
	if out := e.pending(doomed); len(out) != 1 || out[0].Seq != 1 {
		t.Errorf("PendingOutbox after re-creating: got %s, want one entry with Seq 1", fmtOutbox(out))
	}
	if _, err := e.s.MessageRef(e.ctx, doomed, "progress"); !isNotFound(err) {
		t.Errorf("MessageRef after re-creating: got %v, want flows.ErrNotFound", err)
	}
	if ps := e.processes(); !slices.Equal(ps, []string{doomed, "kept"}) {
		t.Errorf("Processes after re-creating: got %v, want [%s kept]", ps, doomed)
	}
	wantDue = []flows.DueProcess{{Process: "kept", At: dueBase.Add(time.Second)}, {Process: doomed, At: dueBase.Add(time.Minute)}}
	if got := e.due(farFuture, 100); !sameDue(got, wantDue) {
		t.Errorf("Due after re-creating: got %s, want %s", fmtDue(got), fmtDue(wantDue))
	}
}

// testDeleteInvalid refuses invalid process ids, writing nothing.
func testDeleteInvalid(t *testing.T, e *env) {
	e.appendNew(commit("p", "k", 0, "e1"))
	before := e.dump()
	for _, p := range []string{"", "p{1}", "}p", "{p}"} {
		if err := e.s.DeleteProcess(e.ctx, p); err == nil {
			t.Errorf("DeleteProcess(%q): got no error, want one", p)
		}
	}
	if got := e.dump(); !sameDump(got, before) {
		t.Errorf("Dump after invalid deletes: got %s, want %s", fmtDump(got), fmtDump(before))
	}
}
