package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/samen-bot/samen/flows"
)

// rewrittenTag starts every event the racing rewriter has rewritten, and
// its markers.
const (
	rewrittenTag = "rewritten "
	markerEvent  = rewrittenTag + "marker"
)

// testRewriteRace has G writers append K events each to one process,
// reloading and retrying on conflict, while a rewriter, with its own
// client, rewrites every event not yet rewritten at the version it read,
// retrying on conflict. Its first rewrite is made to conflict: it reads the
// version, lets the writers go and waits for one of their appends. In the
// end every appended event is in the log exactly once, at the version it
// was meant for, with the rewritten bytes.
func testRewriteRace(t *testing.T, e *env) {
	const (
		G = 4
		K = 15
		p = "contended"
	)
	e.appendNew(commit(p, "init", 0, "init"))
	writers := make([]Store, G)
	for g := range writers {
		writers[g] = e.open()
	}
	rewriter := e.open()

	var (
		start    = make(chan struct{})
		appended = make(chan struct{}, 1) // a writer committed (since start)
		done     = make(chan struct{})    // every writer has finished
		wg       sync.WaitGroup
	)
	wg.Add(G)
	for g := range G {
		go func() {
			defer wg.Done()
			<-start
			appendRacing(t, e, writers[g], p, g, K, appended)
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()

	h, err := rewriter.Load(e.ctx, p)
	if err != nil {
		close(start)
		<-done
		t.Fatalf("rewriter: Load: %v", err)
	}
	close(start)
	select {
	case <-appended:
	case <-done:
	}
	first := rewriteAll(t, e, rewriter, p, h.Version)
	if first.err == nil || !errors.Is(first.err, flows.ErrVersionConflict) {
		t.Errorf("rewrite at version %d after an append: got %v, want a conflict", h.Version, first.err)
	}

	// Rewrite, retrying on conflict, while the writers go on; then once
	// more when they are done.
	var during, conflicts int
	var last rewriteOutcome
	for racing := true; ; {
		select {
		case <-done:
			racing = false
		default:
		}
		h, err := rewriter.Load(e.ctx, p)
		if err != nil {
			<-done
			t.Fatalf("rewriter: Load: %v", err)
		}
		out := rewriteAll(t, e, rewriter, p, h.Version)
		switch {
		case errors.Is(out.err, flows.ErrVersionConflict):
			conflicts++
			continue
		case out.err != nil:
			<-done
			t.Fatalf("rewriter: RewriteLog at %d: %v", h.Version, out.err)
		}
		last = out
		if !racing {
			break
		}
		during++
	}
	if t.Failed() {
		return
	}
	t.Logf("%d writers × %d events; %d rewrites during the race, %d conflicts", G, K, during, conflicts)

	rewrites := during + 1
	log := e.readLog(p, 1, G*K+rewrites+10)
	if len(log) != G*K+1+rewrites || last.version+1 != int64(len(log)) {
		t.Fatalf("ReadLog: got %d events (last rewrite at %d), want %d (and %d markers)", len(log), last.version, G*K+1, rewrites)
	}
	if string(log[0]) != rewrittenTag+"init" {
		t.Errorf("event 1: got %q, want %q", log[0], rewrittenTag+"init")
	}
	seen := map[[2]int]int{}
	markers := 0
	for i, ev := range log[1:] {
		v := int64(i + 2)
		if string(ev) == markerEvent {
			markers++
			continue
		}
		orig, ok := bytes.CutPrefix(ev, []byte(rewrittenTag))
		if !ok {
			t.Errorf("event %d: got %q, want it rewritten", v, ev)
			continue
		}
		g, seq, meant, err := decodeRace(orig)
		if err != nil || meant != v {
			t.Errorf("event %d: got %q (%v), want a writer's event meant for version %d", v, ev, err, v)
			continue
		}
		seen[[2]int{g, seq}]++
	}
	for g := range G {
		for seq := range K {
			if n := seen[[2]int{g, seq}]; n != 1 {
				t.Errorf("writer %d's event %d is in the log %d times, want once", g, seq, n)
			}
		}
	}
	if markers != rewrites {
		t.Errorf("%d markers in the log, want one per rewrite (%d)", markers, rewrites)
	}
	want := flows.History{Version: int64(len(log)), Snapshot: last.snapshot, SnapshotVersion: int64(len(log)), Events: [][]byte{}}
	if h := e.load(p); !sameHistory(h, want) {
		t.Errorf("Load: got %s, want %s", fmtHistory(h), fmtHistory(want))
	}
}

// appendRacing appends k events for writer g, reloading and retrying on
// conflict, and signals appended after each commit.
func appendRacing(t *testing.T, e *env, s Store, p string, g, k int, appended chan<- struct{}) {
	expected := int64(-1)
	for seq, attempts := 0, 0; seq < k; attempts++ {
		if attempts > 200*k {
			t.Errorf("writer %d: gave up after %d attempts", g, attempts)
			return
		}
		if expected < 0 {
			h, err := s.Load(e.ctx, p)
			if err != nil {
				t.Errorf("writer %d: Load: %v", g, err)
				return
			}
			expected = h.Version
		}
		c := commit(p, fmt.Sprintf("w%d-s%d", g, seq), expected)
		c.Events = [][]byte{encodeRace(g, seq, expected+1)}
		res, err := s.Append(e.ctx, c)
		if errors.Is(err, flows.ErrVersionConflict) {
			expected = -1
			continue
		}
		if err != nil || res.Replayed {
			t.Errorf("writer %d: Append: got %s, %v", g, fmtResult(res), err)
			return
		}
		select {
		case appended <- struct{}{}:
		default:
		}
		expected = res.Version
		seq++
	}
}

type rewriteOutcome struct {
	version  int64
	snapshot []byte
	err      error
}

// rewriteAll rewrites every event up to version that is not rewritten yet,
// with a snapshot naming the version, expecting the log at version.
func rewriteAll(t *testing.T, e *env, s Store, p string, version int64) rewriteOutcome {
	t.Helper()
	log, err := s.ReadLog(e.ctx, p, 1, int(version))
	if err != nil {
		return rewriteOutcome{err: err}
	}
	rw := flows.Rewrite{
		Process:  p,
		Expected: version,
		Events:   map[int64][]byte{},
		Marker:   []byte(markerEvent),
		Snapshot: fmt.Appendf(nil, "snapshot at %d", version),
	}
	for i, ev := range log {
		if !bytes.HasPrefix(ev, []byte(rewrittenTag)) {
			rw.Events[int64(i+1)] = append([]byte(rewrittenTag), ev...)
		}
	}
	if len(rw.Events) == 0 {
		rw.Events[version] = log[version-1] // nothing new: rewrite the last as it is
	}
	return rewriteOutcome{version: version, snapshot: rw.Snapshot, err: s.RewriteLog(e.ctx, rw)}
}
