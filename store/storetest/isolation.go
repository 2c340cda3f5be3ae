package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
)

func testIsolation(t *testing.T, e *env) {
	a := richCommit("a", "k1", 0, dueBase.Add(time.Second), "a1", "a2")
	b := richCommit("b", "k1", 0, dueBase.Add(2*time.Second), "b1")
	b.Snapshot = nil
	e.appendNew(a)
	e.appendNew(b)
	a2 := commit("a", "k2", 2, "a3")
	a2.NextDue = a.NextDue
	e.appendNew(a2)

	ha, hb := e.load("a"), e.load("b")
	if ha.Version != 3 || !sameBytes(ha.Events, bs("a3")) || string(ha.Snapshot) != "snapshot by k1" {
		t.Errorf("Load(a): got %s, want version 3, a's snapshot and [a3]", fmtHistory(ha))
	}
	if hb.Version != 1 || hb.Snapshot != nil || !sameBytes(hb.Events, bs("b1")) {
		t.Errorf("Load(b): got %s, want version 1, no snapshot, [b1]", fmtHistory(hb))
	}
	if got := e.readLog("b", 1, 10); !sameBytes(got, bs("b1")) {
		t.Errorf("ReadLog(b): got %s, want [b1]", fmtBytes(got))
	}

	oa, ob := e.pending("a"), e.pending("b")
	if len(oa) != 1 || len(ob) != 1 || string(oa[0].Body) != "body by k1" || oa[0].Chat != "chat-k1" {
		t.Fatalf("PendingOutbox: got a %s and b %s, want one entry each", fmtOutbox(oa), fmtOutbox(ob))
	}
	// Sending b's entry leaves a's, even with the same seq.
	if err := e.s.MarkSent(e.ctx, flows.Sent{Process: "b", Seq: ob[0].Seq, Ref: "r", MessageID: "mb"}); err != nil {
		t.Fatalf("MarkSent(b): %v", err)
	}
	if got := e.pending("a"); !sameOutbox(got, oa) {
		t.Fatalf("PendingOutbox(a) after sending b's entry: got %s, want %s", fmtOutbox(got), fmtOutbox(oa))
	}
	if _, err := e.s.MessageRef(e.ctx, "a", "r"); !isNotFound(err) {
		t.Fatalf("MessageRef(a, r) set by b: got %v, want flows.ErrNotFound", err)
	}
	if got := e.pending("b"); len(got) != 0 {
		t.Fatalf("PendingOutbox(b): got %s, want none", fmtOutbox(got))
	}
	if ps := e.outboxProcesses(); !slices.Equal(ps, []string{"a"}) {
		t.Fatalf("OutboxProcesses: got %v, want [a]", ps)
	}

	want := []flows.DueProcess{{Process: "a", At: dueBase.Add(time.Second)}}
	if got := e.due(dueBase.Add(time.Second), 10); !sameDue(got, want) {
		t.Fatalf("Due: got %s, want %s", fmtDue(got), fmtDue(want))
	}
	if got := e.processes(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("Processes: got %v, want [a b]", got)
	}
}
