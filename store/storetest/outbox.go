package storetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/samen-bot/samen/flows"
)

func testOutbox(t *testing.T, e *env) {
	c := commit("p", "k1", 0, "e1")
	c.Outbox = []flows.OutboxEntry{
		{Chat: "a", Body: []byte("one")},
		{Chat: "b", Body: []byte("two")},
		{Chat: "a", Body: []byte("three")},
	}
	e.appendNew(c)
	got := e.pending("p")
	if len(got) != 3 {
		t.Fatalf("PendingOutbox: got %s, want 3 entries", fmtOutbox(got))
	}
	for i, want := range c.Outbox {
		if got[i].Chat != want.Chat || string(got[i].Body) != string(want.Body) {
			t.Errorf("entry %d: got %s, want chat %q body %q", i, fmtOutbox(got[i:i+1]), want.Chat, want.Body)
		}
		if got[i].Seq <= 0 || (i > 0 && got[i].Seq <= got[i-1].Seq) {
			t.Errorf("sequence numbers: got %s, want positive and increasing", fmtOutbox(got))
		}
	}
	if ps := e.outboxProcesses(); !slices.Equal(ps, []string{"p"}) {
		t.Fatalf("OutboxProcesses: got %v, want [p]", ps)
	}

	// The limit takes the first entries.
	first, err := e.s.PendingOutbox(e.ctx, "p", 2)
	if err != nil || !sameOutbox(first, got[:2]) {
		t.Fatalf("PendingOutbox(limit 2): got %s, %v, want %s", fmtOutbox(first), err, fmtOutbox(got[:2]))
	}

	// A later commit's entries come after.
	c2 := commit("p", "k2", 1, "e2")
	c2.Outbox = []flows.OutboxEntry{{Chat: "b", Body: []byte("four")}}
	e.appendNew(c2)
	all := e.pending("p")
	if len(all) != 4 || !sameOutbox(all[:3], got) || all[3].Seq <= got[2].Seq || string(all[3].Body) != "four" {
		t.Fatalf("PendingOutbox after a second commit: got %s, want %s and then four", fmtOutbox(all), fmtOutbox(got))
	}

	// A conflicting commit enqueues nothing.
	bad := commit("p", "k3", 1, "e3")
	bad.Outbox = []flows.OutboxEntry{{Chat: "a", Body: []byte("never")}}
	if _, err := e.s.Append(e.ctx, bad); !errors.Is(err, flows.ErrVersionConflict) {
		t.Fatalf("conflicting Append: got %v, want a conflict", err)
	}
	if again := e.pending("p"); !sameOutbox(again, all) {
		t.Fatalf("PendingOutbox after a conflict: got %s, want %s", fmtOutbox(again), fmtOutbox(all))
	}

	// MarkSent removes the entry and records the message id; twice is fine.
	sent := flows.Sent{Process: "p", Seq: all[1].Seq, Ref: "poll", MessageID: "msg-42"}
	for range 2 {
		if err := e.s.MarkSent(e.ctx, sent); err != nil {
			t.Fatalf("MarkSent(%+v): %v", sent, err)
		}
		if left := e.pending("p"); !sameOutbox(left, []flows.OutboxEntry{all[0], all[2], all[3]}) {
			t.Fatalf("PendingOutbox after MarkSent: got %s, want entries %d, %d, %d", fmtOutbox(left), all[0].Seq, all[2].Seq, all[3].Seq)
		}
	}
	if id, err := e.s.MessageRef(e.ctx, "p", "poll"); err != nil || id != "msg-42" {
		t.Fatalf("MessageRef(poll): got %q, %v, want msg-42", id, err)
	}
	if _, err := e.s.MessageRef(e.ctx, "p", "other"); !isNotFound(err) {
		t.Fatalf("MessageRef of an unknown ref: got %v, want flows.ErrNotFound", err)
	}
	if _, err := e.s.MessageRef(e.ctx, "unknown", "poll"); !isNotFound(err) {
		t.Fatalf("MessageRef of an unknown process: got %v, want flows.ErrNotFound", err)
	}

	// A later MarkSent with the same ref replaces the id (an edit re-sent).
	if err := e.s.MarkSent(e.ctx, flows.Sent{Process: "p", Seq: all[0].Seq, Ref: "poll", MessageID: "msg-43"}); err != nil {
		t.Fatalf("MarkSent: %v", err)
	}
	if id, err := e.s.MessageRef(e.ctx, "p", "poll"); err != nil || id != "msg-43" {
		t.Fatalf("MessageRef(poll) after a second send: got %q, %v, want msg-43", id, err)
	}

	// Without a ref nothing is recorded.
	for _, o := range all[2:] {
		if err := e.s.MarkSent(e.ctx, flows.Sent{Process: "p", Seq: o.Seq}); err != nil {
			t.Fatalf("MarkSent: %v", err)
		}
	}
	if left := e.pending("p"); len(left) != 0 {
		t.Fatalf("PendingOutbox after sending all: got %s, want none", fmtOutbox(left))
	}
	// (PendingOutbox has now seen the empty outbox, so even a store that
	// keeps OutboxProcesses as a hint has dropped p.)
	if ps := e.outboxProcesses(); len(ps) != 0 {
		t.Fatalf("OutboxProcesses after sending all: got %v, want none", ps)
	}

	// Marking an entry of a process without commit is not an error.
	if err := e.s.MarkSent(e.ctx, flows.Sent{Process: "unknown", Seq: 1}); err != nil {
		t.Fatalf("MarkSent for an unknown process: %v", err)
	}
}

func testOutboxOnly(t *testing.T, e *env) {
	// A commit with outbox entries and no events leaves the version alone.
	e.appendNew(commit("p", "k1", 0, "e1"))
	c := commit("p", "k2", 1)
	c.Outbox = []flows.OutboxEntry{{Chat: "a", Body: []byte("note")}}
	e.appendNew(c)
	if h := e.load("p"); h.Version != 1 || !sameBytes(h.Events, bs("e1")) {
		t.Fatalf("Load after an outbox-only commit: got %s, want version 1", fmtHistory(h))
	}
	if out := e.pending("p"); len(out) != 1 || string(out[0].Body) != "note" {
		t.Fatalf("PendingOutbox: got %s, want the note", fmtOutbox(out))
	}
	res, err := e.s.Append(e.ctx, c)
	if err != nil || !res.Replayed || res.Version != 1 {
		t.Fatalf("replay of an outbox-only commit: got %s, %v, want a replay at version 1", fmtResult(res), err)
	}
	if out := e.pending("p"); len(out) != 1 {
		t.Fatalf("PendingOutbox after the replay: got %s, want one entry", fmtOutbox(out))
	}
}

func testOutboxOnlyNewProcess(t *testing.T, e *env) {
	// A first commit without events still creates the process, at version 0.
	c := commit("p", "k1", 0)
	c.Outbox = []flows.OutboxEntry{{Chat: "a", Body: []byte("hello")}}
	e.appendNew(c)
	h, err := e.s.Load(e.ctx, "p")
	if err != nil || h.Version != 0 || len(h.Events) != 0 {
		t.Fatalf("Load after an outbox-only first commit: got %s, %v, want version 0 and no error", fmtHistory(h), err)
	}
	if ps := e.processes(); !slices.Equal(ps, []string{"p"}) {
		t.Fatalf("Processes: got %v, want [p]", ps)
	}
	e.appendNew(commit("p", "k2", 0, "e1"))
	if h := e.load("p"); h.Version != 1 {
		t.Fatalf("Load: got %s, want version 1", fmtHistory(h))
	}
}
