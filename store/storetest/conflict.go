package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
)

// state is everything a commit to p can change, to check that a rejected
// commit changed none of it.
type state struct {
	history flows.History
	outbox  []flows.OutboxEntry
	due     []flows.DueProcess
	outboxP []string
	procs   []string
}

func (e *env) state(p string) state {
	e.t.Helper()
	var s state
	h, err := e.s.Load(e.ctx, p)
	switch {
	case err == nil:
		s.history = h
	case !isNotFound(err):
		e.t.Fatalf("Load(%s): %v", p, err)
	}
	s.outbox = e.pending(p)
	s.due = e.due(farFuture, 1000)
	s.outboxP = e.outboxProcesses()
	s.procs = e.processes()
	return s
}

func (e *env) checkUnchanged(what string, before state, p string) {
	e.t.Helper()
	after := e.state(p)
	if !sameHistory(before.history, after.history) {
		e.t.Errorf("%s changed the log: got %s, want %s", what, fmtHistory(after.history), fmtHistory(before.history))
	}
	if !sameOutbox(before.outbox, after.outbox) {
		e.t.Errorf("%s changed the outbox: got %s, want %s", what, fmtOutbox(after.outbox), fmtOutbox(before.outbox))
	}
	if !sameDue(before.due, after.due) {
		e.t.Errorf("%s changed the due list: got %s, want %s", what, fmtDue(after.due), fmtDue(before.due))
	}
	if !slices.Equal(before.outboxP, after.outboxP) {
		e.t.Errorf("%s changed OutboxProcesses: got %v, want %v", what, after.outboxP, before.outboxP)
	}
	if !slices.Equal(before.procs, after.procs) {
		e.t.Errorf("%s changed Processes: got %v, want %v", what, after.procs, before.procs)
	}
}

// farFuture is a "now" at which every due time has passed.
var farFuture = time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC)

// dueBase is a fixed, millisecond-aligned time for due times.
var dueBase = time.UnixMilli(1_900_000_000_000)

// richCommit changes everything a commit can change.
func richCommit(p, key string, expected int64, due time.Time, events ...string) flows.Commit {
	c := commit(p, key, expected, events...)
	c.Snapshot = []byte("snapshot by " + key)
	c.Outbox = []flows.OutboxEntry{{Chat: "chat-" + key, Body: []byte("body by " + key)}}
	c.NextDue = due
	return c
}

// wantConflict checks that err is a *flows.ConflictError with these values.
func wantConflict(t *testing.T, err error, p string, expected, current int64) {
	t.Helper()
	var ce *flows.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("Append(%s, expected %d): got error %v, want a *flows.ConflictError", p, expected, err)
	}
	if !errors.Is(err, flows.ErrVersionConflict) {
		t.Errorf("errors.Is(%v, flows.ErrVersionConflict): got false, want true", err)
	}
	if ce.Process != p || ce.Expected != expected || ce.Current != current {
		t.Errorf("conflict: got %+v, want {Process:%s Expected:%d Current:%d}", *ce, p, expected, current)
	}
}

func testConflict(t *testing.T, e *env) {
	e.appendNew(richCommit("p", "k1", 0, dueBase, "e1"))
	e.appendNew(richCommit("p", "k2", 1, dueBase.Add(time.Second), "e2"))
	before := e.state("p")

	for _, expected := range []int64{0, 1, 3, 100} {
		c := richCommit("p", "bad", expected, dueBase.Add(-time.Hour), "nope")
		_, err := e.s.Append(e.ctx, c)
		wantConflict(t, err, "p", expected, 2)
		e.checkUnchanged("a conflicting commit", before, "p")
	}

	// The key of a rejected commit is not remembered: it can commit now.
	c := richCommit("p", "bad", 2, dueBase.Add(time.Minute), "e3")
	e.appendNew(c)
	if h := e.load("p"); h.Version != 3 || !sameBytes(h.Events, nil) || h.SnapshotVersion != 3 {
		t.Fatalf("Load after the retried commit: got %s, want version 3 with a snapshot at 3", fmtHistory(h))
	}
}

func testConflictOnNewProcess(t *testing.T, e *env) {
	before := e.state("new")
	_, err := e.s.Append(e.ctx, richCommit("new", "k", 3, dueBase, "e1"))
	wantConflict(t, err, "new", 3, 0)
	e.checkUnchanged("a conflicting commit to a new process", before, "new")
	if _, err := e.s.Load(e.ctx, "new"); !isNotFound(err) {
		t.Fatalf("Load after a conflicting first commit: got %v, want flows.ErrNotFound", err)
	}
}
