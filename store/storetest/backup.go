package storetest

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
)

func (e *env) backup(p string) flows.ProcessBackup {
	e.t.Helper()
	b, err := e.s.BackupProcess(e.ctx, p)
	if err != nil {
		e.t.Fatalf("BackupProcess(%s): %v", p, err)
	}
	return b
}

// buildProcess gives p a log of five events over three commits (one with a
// snapshot, opaque bytes included), three outbox entries of which one was
// sent with a ref, and a timer.
func (e *env) buildProcess(p string, due time.Time) {
	e.t.Helper()
	e.appendNew(commit(p, p+"-k1", 0, "e1", "e2\x00\xff"))
	c := richCommit(p, p+"-k2", 2, due, "e3")
	c.Outbox = append(c.Outbox, flows.OutboxEntry{Chat: "other", Body: []byte("second")})
	e.appendNew(c)
	c = commit(p, p+"-k3", 3, "e4", "e5")
	c.NextDue = due
	c.Outbox = []flows.OutboxEntry{{Chat: "third", Body: []byte{0, 1, 2}}}
	e.appendNew(c)
	first := e.pending(p)[0]
	if err := e.s.MarkSent(e.ctx, flows.Sent{Process: p, Seq: first.Seq, Ref: "progress", MessageID: "m-17"}); err != nil {
		e.t.Fatalf("MarkSent: %v", err)
	}
}

func testBackupRestore(t *testing.T, e *env) {
	e.buildProcess("p", dueBase)
	if _, err := e.s.BackupProcess(e.ctx, "missing"); !isNotFound(err) {
		t.Fatalf("BackupProcess(missing): got %v, want flows.ErrNotFound", err)
	}
	b := e.backup("p")
	if !sameBytes(b.Events, e.readLog("p", 1, 100)) || b.Version() != 5 {
		t.Fatalf("backup events: got %s, want the log of 5", fmtBytes(b.Events))
	}
	if !sameOutbox(b.Outbox, e.pending("p")) || len(b.Outbox) != 2 || b.OutboxSeq != 3 {
		t.Fatalf("backup outbox: got %s (seq %d), want the 2 pending entries, seq 3", fmtOutbox(b.Outbox), b.OutboxSeq)
	}
	if d := b.NextDue.Sub(dueBase); b.Refs["progress"] != "m-17" || d < 0 || d > time.Millisecond {
		t.Fatalf("backup refs %v, due %v: want progress=m-17, due %v", b.Refs, b.NextDue, dueBase)
	}
	if len(b.Keys) != 3 {
		t.Fatalf("backup keys: got %+v, want 3", b.Keys)
	}

	// Restored under another id, the copy behaves as the original.
	b.Process = "q"
	if err := e.s.RestoreProcess(e.ctx, b, false); err != nil {
		t.Fatalf("RestoreProcess(q): %v", err)
	}
	hp, hq := e.load("p"), e.load("q")
	if !sameHistory(hp, hq) {
		t.Fatalf("Load(q) after restore: got %s, want %s", fmtHistory(hq), fmtHistory(hp))
	}
	if !sameOutbox(e.pending("q"), e.pending("p")) {
		t.Fatalf("PendingOutbox(q): got %s, want %s", fmtOutbox(e.pending("q")), fmtOutbox(e.pending("p")))
	}
	if id, err := e.s.MessageRef(e.ctx, "q", "progress"); err != nil || id != "m-17" {
		t.Fatalf("MessageRef(q, progress): got %q, %v, want m-17", id, err)
	}
	if ps := e.processes(); !slices.Equal(ps, []string{"p", "q"}) {
		t.Fatalf("Processes: got %v, want [p q]", ps)
	}
	if ps := e.outboxProcesses(); !slices.Contains(ps, "q") {
		t.Fatalf("OutboxProcesses: got %v, want q among them", ps)
	}
	if due := e.due(dueBase.Add(time.Second), 10); len(due) != 2 || !due[0].At.Equal(due[1].At) {
		t.Fatalf("Due: got %s, want p and q at the same time", fmtDue(due))
	}
	// A redelivered action replays from the restored key.
	res, err := e.s.Append(e.ctx, commit("q", "p-k2", 0, "again"))
	if err != nil || !res.Replayed || res.Version != 3 || !bytes.Equal(res.Result, []byte("result of p-k2")) {
		t.Fatalf("Append(q, old key): got %s, %v, want the replay of version 3", fmtResult(res), err)
	}
	// And the log and the outbox go on where they were.
	c := commit("q", "q-k4", 5, "e6")
	c.Outbox = []flows.OutboxEntry{{Chat: "fourth", Body: []byte("four")}}
	e.appendNew(c)
	out := e.pending("q")
	if last := out[len(out)-1]; last.Chat != "fourth" || last.Seq != 4 {
		t.Fatalf("outbox after restore: got %s, want the new entry with seq 4", fmtOutbox(out))
	}
	if _, err := e.s.Append(e.ctx, commit("q", "q-k5", 5, "stale")); !errors.Is(err, flows.ErrVersionConflict) {
		t.Fatalf("Append(q, expected 5) after version 6: got %v, want a conflict", err)
	}
}

func testRestoreRefusesExisting(t *testing.T, e *env) {
	e.buildProcess("p", dueBase)
	e.appendNew(commit("r", "r-k1", 0, "only"))
	before := e.load("p")
	other := e.backup("r")
	other.Process = "p"
	if err := e.s.RestoreProcess(e.ctx, other, false); !errors.Is(err, flows.ErrProcessExists) {
		t.Fatalf("RestoreProcess over p: got %v, want flows.ErrProcessExists", err)
	}
	if after := e.load("p"); !sameHistory(after, before) || len(e.pending("p")) != 2 {
		t.Fatalf("p after a refused restore: got %s, want it unchanged", fmtHistory(after))
	}
	// A malformed backup is refused, whatever force says.
	bad := other
	bad.SnapshotVersion, bad.Snapshot = 7, []byte("x")
	if err := e.s.RestoreProcess(e.ctx, bad, true); err == nil {
		t.Fatal("RestoreProcess with a snapshot past the log: got nil, want an error")
	}
	bad = other
	bad.Process = "a{b}"
	if err := e.s.RestoreProcess(e.ctx, bad, true); err == nil {
		t.Fatal("RestoreProcess(a{b}): got nil, want an error")
	}
	// Forced, p becomes r's copy: log, outbox, timer and keys.
	if err := e.s.RestoreProcess(e.ctx, other, true); err != nil {
		t.Fatalf("RestoreProcess(p, force): %v", err)
	}
	if h := e.load("p"); h.Version != 1 || !sameBytes(h.Events, [][]byte{[]byte("only")}) || h.Snapshot != nil {
		t.Fatalf("Load(p) after a forced restore: got %s, want r's log", fmtHistory(h))
	}
	if out := e.pending("p"); len(out) != 0 {
		t.Fatalf("PendingOutbox(p) after a forced restore: got %s, want none", fmtOutbox(out))
	}
	if due := e.due(dueBase.Add(time.Hour), 10); len(due) != 0 {
		t.Fatalf("Due after a forced restore: got %s, want none", fmtDue(due))
	}
	if _, err := e.s.MessageRef(e.ctx, "p", "progress"); !isNotFound(err) {
		t.Fatalf("MessageRef(p, progress) after a forced restore: got %v, want not found", err)
	}
	res, err := e.s.Append(e.ctx, commit("p", "p-k2", 1, "new"))
	if err != nil || res.Replayed || res.Version != 2 {
		t.Fatalf("Append(p, a key of the replaced log): got %s, %v, want written at version 2", fmtResult(res), err)
	}
	res, err = e.s.Append(e.ctx, commit("p", "r-k1", 0, "again"))
	if err != nil || !res.Replayed || res.Version != 1 {
		t.Fatalf("Append(p, r's key): got %s, %v, want the replay of version 1", fmtResult(res), err)
	}
}

func testBackupShared(t *testing.T, e *env) {
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.s.SetIndex(e.ctx, "chat:a", "p/g1"))
	must(e.s.SetIndex(e.ctx, "user:u1:lang", "en"))
	must(e.s.AddToSet(e.ctx, "user:u1:processes", "p"))
	must(e.s.AddToSet(e.ctx, "user:u1:processes", "q"))
	must(e.s.PutTemp(e.ctx, "await:u1", []byte("pending\x00input"), time.Hour))
	s, err := e.s.BackupShared(e.ctx)
	must(err)
	if len(s.Indexes) != 2 || s.Indexes["chat:a"] != "p/g1" || s.Indexes["user:u1:lang"] != "en" {
		t.Fatalf("BackupShared indexes: got %v", s.Indexes)
	}
	members := slices.Sorted(slices.Values(s.Sets["user:u1:processes"]))
	if len(s.Sets) != 1 || !slices.Equal(members, []string{"p", "q"}) {
		t.Fatalf("BackupShared sets: got %v", s.Sets)
	}
	if len(s.Temps) != 1 || s.Temps[0].Key != "await:u1" || string(s.Temps[0].Value) != "pending\x00input" {
		t.Fatalf("BackupShared temps: got %+v", s.Temps)
	}
	if left := time.Until(s.Temps[0].Expires); left < 59*time.Minute || left > time.Hour+time.Minute {
		t.Fatalf("BackupShared temp expires in %v, want about an hour", left)
	}

	must(e.s.DeleteIndex(e.ctx, "chat:a"))
	must(e.s.RemoveFromSet(e.ctx, "user:u1:processes", "q"))
	must(e.s.DeleteTemp(e.ctx, "await:u1"))
	must(e.s.SetIndex(e.ctx, "chat:b", "kept"))
	// An expired temporary value is not brought back.
	s.Temps = append(s.Temps, flows.TempBackup{Key: "gone", Value: []byte("x"), Expires: time.Now().Add(-time.Minute)})
	must(e.s.RestoreShared(e.ctx, s))
	if v, err := e.s.Index(e.ctx, "chat:a"); err != nil || v != "p/g1" {
		t.Fatalf("Index(chat:a) after restore: got %q, %v", v, err)
	}
	if v, err := e.s.Index(e.ctx, "chat:b"); err != nil || v != "kept" {
		t.Fatalf("Index(chat:b) after restore: got %q, %v, want it kept", v, err)
	}
	if m, err := e.s.SetMembers(e.ctx, "user:u1:processes"); err != nil || !slices.Equal(m, []string{"p", "q"}) {
		t.Fatalf("SetMembers after restore: got %v, %v", m, err)
	}
	if v, err := e.s.Temp(e.ctx, "await:u1"); err != nil || string(v) != "pending\x00input" {
		t.Fatalf("Temp(await:u1) after restore: got %q, %v", v, err)
	}
	if _, err := e.s.Temp(e.ctx, "gone"); !isNotFound(err) {
		t.Fatalf("Temp(gone) after restore: got %v, want not found", err)
	}
}
