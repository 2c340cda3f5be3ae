package storetest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
)

// wantReplay checks that res is the replay of orig.
func wantReplay(t *testing.T, what string, res, orig flows.AppendResult) {
	t.Helper()
	if !res.Replayed || res.Version != orig.Version || !bytes.Equal(res.Result, orig.Result) {
		t.Fatalf("%s: got %s, want {Version:%d Replayed:true Result:%q}", what, fmtResult(res), orig.Version, orig.Result)
	}
}

func testIdempotency(t *testing.T, e *env) {
	e.appendNew(commit("p", "k0", 0, "e1"))
	c := richCommit("p", "k1", 1, dueBase, "e2", "e3")
	orig := e.appendNew(c)
	e.appendNew(commit("p", "k2", 3, "e4"))
	before := e.state("p")

	// The same commit again, as a redelivered update would bring it: the
	// original result, whatever Expected says, and nothing written.
	for _, expected := range []int64{1, 0, 2, 4, 99} {
		again := richCommit("p", "k1", expected, dueBase.Add(time.Hour), "other")
		again.Result = []byte("another result")
		res, err := e.s.Append(e.ctx, again)
		if err != nil {
			t.Fatalf("replay with expected %d: got error %v, want the original result", expected, err)
		}
		wantReplay(t, fmt.Sprintf("replay with expected %d", expected), res, orig)
		e.checkUnchanged("a replay", before, "p")
	}

	// From another client too.
	res, err := e.open().Append(e.ctx, c)
	if err != nil {
		t.Fatalf("replay from another client: %v", err)
	}
	wantReplay(t, "replay from another client", res, orig)
}

func testIdempotencyScope(t *testing.T, e *env) {
	// Keys belong to their process: the same key in another process is new.
	a := e.appendNew(commit("a", "same-key", 0, "a1"))
	b := e.appendNew(commit("b", "same-key", 0, "b1", "b2"))
	if a.Version != 1 || b.Version != 2 {
		t.Fatalf("versions: got %d and %d, want 1 and 2", a.Version, b.Version)
	}
	if h := e.load("b"); !sameBytes(h.Events, bs("b1", "b2")) {
		t.Fatalf("Load(b): got %s, want events [b1 b2]", fmtHistory(h))
	}
}

func testKeyExpiryClock(t *testing.T, e *env) {
	if e.h.Advance == nil {
		t.Skip("the store has no injectable clock (see KeyExpiry/RealTTL)")
	}
	c := commit("p", "k", 0, "e1")
	c.KeyExpires = time.Now().Add(time.Hour)
	orig := e.appendNew(c)

	e.h.Advance(30 * time.Minute)
	res, err := e.s.Append(e.ctx, commit("p", "k", 1, "e2"))
	if err != nil {
		t.Fatalf("replay before expiry: %v", err)
	}
	wantReplay(t, "replay before expiry", res, orig)

	e.h.Advance(31 * time.Minute)
	e.appendNew(commit("p", "k", 1, "e2"))
	if h := e.load("p"); h.Version != 2 {
		t.Fatalf("Load after the expired key was reused: got %s, want version 2", fmtHistory(h))
	}
}

func testKeyExpiryRealTTL(t *testing.T, e *env) {
	if e.h.Advance != nil {
		t.Skip("the store runs on an injected clock (see KeyExpiry/Clock)")
	}
	const ttl = 300 * time.Millisecond
	start := time.Now()
	c := commit("p", "k", 0, "e1")
	c.KeyExpires = start.Add(ttl)
	orig := e.appendNew(c)

	// Until the key expires, a replay is recognised. Each attempt that is
	// not a replay commits, so the loop ends as soon as the key is gone.
	var res flows.AppendResult
	waitFor(t, 10*time.Second, "the idempotency key expires", func() bool {
		var err error
		res, err = e.s.Append(e.ctx, commit("p", "k", 1, "e2"))
		if err != nil {
			t.Fatalf("Append after a short-lived key: %v", err)
		}
		if res.Replayed {
			wantReplay(t, "replay before expiry", res, orig)
			return false
		}
		if time.Since(start) < ttl-5*time.Millisecond {
			t.Fatalf("key forgotten after %v, before its expiry (%v)", time.Since(start), ttl)
		}
		return true
	})
	if res.Version != 2 {
		t.Fatalf("commit after expiry: got %s, want version 2", fmtResult(res))
	}
}

func testKeyWithoutExpiry(t *testing.T, e *env) {
	// A zero KeyExpires still keeps the key (for at least MinKeyTTL).
	c := commit("p", "k", 0, "e1")
	c.KeyExpires = time.Time{}
	orig := e.appendNew(c)
	if e.h.Advance != nil {
		e.h.Advance(flows.MinKeyTTL - time.Minute)
	}
	res, err := e.s.Append(e.ctx, commit("p", "k", 1, "e2"))
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	wantReplay(t, "replay of a key without expiry", res, orig)
}
