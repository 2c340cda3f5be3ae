package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
)

// odd holds bytes that trip up anything that is not binary-safe: NUL,
// invalid UTF-8, separators the stores use, newlines, and a Lua-ish quote.
var odd = []byte{0x00, 0xff, 0xfe, 'a', 0x00, '\n', 0xc3, 0x28, '=', ' ', ':', '{', '}', '\'', 0x80, 0x00}

func oddBytes(tag string) []byte { return append([]byte(tag), odd...) }

func testOpaqueBytes(t *testing.T, e *env) {
	c := flows.Commit{
		Process:    "p",
		Key:        "key with \x00 and ünïcode",
		KeyExpires: commit("p", "", 0).KeyExpires,
		Events:     [][]byte{oddBytes("event 1"), {}, {0x00}, oddBytes("event 4")},
		Snapshot:   oddBytes("snapshot"),
		Outbox: []flows.OutboxEntry{
			{Chat: "chät:42", Body: oddBytes("body 1")},
			{Chat: "", Body: []byte{}},
			{Chat: "7:x", Body: []byte{0x00}},
		},
		Result: oddBytes("result"),
	}
	orig := e.appendNew(c)

	h := e.load("p")
	if !bytes.Equal(h.Snapshot, c.Snapshot) || h.SnapshotVersion != 4 || len(h.Events) != 0 {
		t.Fatalf("Load: got %s, want the odd snapshot at 4", fmtHistory(h))
	}
	if got := e.readLog("p", 1, 10); !sameBytes(got, c.Events) {
		t.Fatalf("ReadLog: got %s, want %s", fmtBytes(got), fmtBytes(c.Events))
	}
	out := e.pending("p")
	if len(out) != len(c.Outbox) {
		t.Fatalf("PendingOutbox: got %s, want %d entries", fmtOutbox(out), len(c.Outbox))
	}
	for i, o := range c.Outbox {
		if out[i].Chat != o.Chat || !bytes.Equal(out[i].Body, o.Body) {
			t.Errorf("outbox entry %d: got %s, want chat %q body %q", i, fmtOutbox(out[i:i+1]), o.Chat, o.Body)
		}
	}
	res, err := e.s.Append(e.ctx, c)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	wantReplay(t, "replay of odd bytes", res, orig)

	// Events after the snapshot, and a temp value.
	c2 := commit("p", "k2", 4)
	c2.Events = [][]byte{oddBytes("event 5")}
	e.appendNew(c2)
	if h := e.load("p"); !sameBytes(h.Events, c2.Events) {
		t.Fatalf("Load: got %s, want %s", fmtBytes(h.Events), fmtBytes(c2.Events))
	}
	if err := e.s.PutTemp(e.ctx, "odd", odd, time.Hour); err != nil {
		t.Fatalf("PutTemp: %v", err)
	}
	if v, err := e.s.Temp(e.ctx, "odd"); err != nil || !bytes.Equal(v, odd) {
		t.Fatalf("Temp: got %q, %v, want %q", v, err, odd)
	}
	if err := e.s.PutTemp(e.ctx, "empty", []byte{}, time.Hour); err != nil {
		t.Fatalf("PutTemp: %v", err)
	}
	if v, err := e.s.Temp(e.ctx, "empty"); err != nil || len(v) != 0 {
		t.Fatalf("Temp of an empty value: got %q, %v, want empty", v, err)
	}
}
