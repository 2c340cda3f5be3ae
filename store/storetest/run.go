package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
)

// Harness is one set of fresh, empty data and the way to reach it.
type Harness struct {
	// Open returns a NEW client of the harness's data on every call: the
	// suite opens several to test concurrent writers. For Redis that is a
	// new go-redis client to the same server and key prefix. A bbolt file
	// can be opened only once per process, so for bbolt Open returns another
	// wrapper of the one *bbolt.DB the harness opened (closing a wrapper
	// leaves the file open; the harness closes it at its test's cleanup).
	// The suite closes each store it opens at t's cleanup.
	Open func(t *testing.T) Store

	// Advance moves the store's clock forward (the clock that expires
	// idempotency keys and temporary values). It is nil for a store that
	// uses real time, such as Redis; the suite then skips the clock-based
	// subtests and runs their real-time equivalents, with short TTLs.
	Advance func(time.Duration)
}

// Run runs the suite. newHarness is called once per subtest and must give
// fresh, empty data each time; the subtests run in parallel.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"AppendAndLoad", testAppendAndLoad},
		{"ReadLog", testReadLog},
		{"Conflict", testConflict},
		{"ConflictOnNewProcess", testConflictOnNewProcess},
		{"Idempotency", testIdempotency},
		{"IdempotencyScopedToProcess", testIdempotencyScope},
		{"KeyExpiry/Clock", testKeyExpiryClock},
		{"KeyExpiry/RealTTL", testKeyExpiryRealTTL},
		{"KeyWithoutExpiry", testKeyWithoutExpiry},
		{"Concurrent", testConcurrent},
		{"Snapshots", testSnapshots},
		{"Outbox", testOutbox},
		{"OutboxOnly", testOutboxOnly},
		{"OutboxOnlyNewProcess", testOutboxOnlyNewProcess},
		{"Due", testDue},
		{"DueRoundsUp", testDueRoundsUp},
		{"Index", testIndex},
		{"Sets", testSets},
		{"Temp", testTemp},
		{"AddTemp", testAddTemp},
		{"Lease", testLease},
		{"LeaseRace", testLeaseRace},
		{"LeaseExpiry/Clock", testLeaseExpiryClock},
		{"LeaseExpiry/RealTTL", testLeaseExpiryRealTTL},
		{"TempExpiry/Clock", testTempExpiryClock},
		{"TempExpiry/RealTTL", testTempExpiryRealTTL},
		{"OpaqueBytes", testOpaqueBytes},
		{"Isolation", testIsolation},
		{"Dump", testDump},
		{"BackupRestore", testBackupRestore},
		{"RestoreRefusesExisting", testRestoreRefusesExisting},
		{"BackupShared", testBackupShared},
		{"InvalidArguments", testInvalidArguments},
		{"RewriteLog", testRewriteLog},
		{"RewriteConflict", testRewriteConflict},
		{"RewriteNotFound", testRewriteNotFound},
		{"RewriteInvalid", testRewriteInvalid},
		{"RewriteRace", testRewriteRace},
		{"DeleteProcess", testDeleteProcess},
		{"DeleteInvalid", testDeleteInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newEnv(t, newHarness(t)))
		})
	}
}

// env is what a subtest works with: the harness and a first store.
type env struct {
	t   *testing.T
	h   Harness
	s   Store
	ctx context.Context
}

func newEnv(t *testing.T, h Harness) *env {
	e := &env{t: t, h: h, ctx: t.Context()}
	e.s = e.open()
	return e
}

// open opens another client and closes it at cleanup.
func (e *env) open() Store {
	e.t.Helper()
	s := e.h.Open(e.t)
	e.t.Cleanup(func() {
		if err := s.Close(); err != nil {
			e.t.Errorf("Close: %v", err)
		}
	})
	return s
}

// commit builds a commit of string events with a long-lived key.
func commit(p, key string, expected int64, events ...string) flows.Commit {
	c := flows.Commit{
		Process:    p,
		Key:        key,
		KeyExpires: time.Now().Add(flows.MinKeyTTL),
		Expected:   expected,
		Result:     []byte("result of " + key),
	}
	for _, ev := range events {
		c.Events = append(c.Events, []byte(ev))
	}
	return c
}

func (e *env) append(c flows.Commit) flows.AppendResult {
	e.t.Helper()
	res, err := e.s.Append(e.ctx, c)
	if err != nil {
		e.t.Fatalf("Append(%s, key %q, expected %d): %v", c.Process, c.Key, c.Expected, err)
	}
	return res
}

// appendNew appends c and checks that it was written, not replayed.
func (e *env) appendNew(c flows.Commit) flows.AppendResult {
	e.t.Helper()
	res := e.append(c)
	want := c.Expected + int64(len(c.Events))
	if res.Replayed || res.Version != want || !bytes.Equal(res.Result, c.Result) {
		e.t.Fatalf("Append(%s, key %q): got %s, want version %d, not replayed, result %q",
			c.Process, c.Key, fmtResult(res), want, c.Result)
	}
	return res
}

func (e *env) load(p string) flows.History {
	e.t.Helper()
	h, err := e.s.Load(e.ctx, p)
	if err != nil {
		e.t.Fatalf("Load(%s): %v", p, err)
	}
	return h
}

func (e *env) pending(p string) []flows.OutboxEntry {
	e.t.Helper()
	out, err := e.s.PendingOutbox(e.ctx, p, 1000)
	if err != nil {
		e.t.Fatalf("PendingOutbox(%s): %v", p, err)
	}
	return out
}

func (e *env) due(now time.Time, limit int) []flows.DueProcess {
	e.t.Helper()
	due, err := e.s.Due(e.ctx, now, limit)
	if err != nil {
		e.t.Fatalf("Due(%v, %d): %v", now, limit, err)
	}
	return due
}

func (e *env) readLog(p string, from int64, limit int) [][]byte {
	e.t.Helper()
	events, err := e.s.ReadLog(e.ctx, p, from, limit)
	if err != nil {
		e.t.Fatalf("ReadLog(%s, %d, %d): %v", p, from, limit, err)
	}
	return events
}

func (e *env) processes() []string {
	e.t.Helper()
	ps, err := e.s.Processes(e.ctx)
	if err != nil {
		e.t.Fatalf("Processes: %v", err)
	}
	slices.Sort(ps)
	return ps
}

func (e *env) outboxProcesses() []string {
	e.t.Helper()
	ps, err := e.s.OutboxProcesses(e.ctx, 1000)
	if err != nil {
		e.t.Fatalf("OutboxProcesses: %v", err)
	}
	slices.Sort(ps)
	return ps
}

// waitFor polls cond every few milliseconds until it holds, failing the
// test after timeout. It is for conditions that real time brings about
// (a TTL running out), never for synchronising with goroutines.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("%s: still not the case after %v", what, timeout)
		case <-tick.C:
		case <-t.Context().Done():
			t.Fatalf("%s: %v", what, t.Context().Err())
		}
	}
}

// sameBytes compares lists of byte strings (nil and empty are equal).
func sameBytes(a, b [][]byte) bool {
	return slices.EqualFunc(a, b, bytes.Equal)
}

func fmtBytes(bs [][]byte) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = fmt.Sprintf("%q", b)
	}
	return fmt.Sprint(s)
}

func fmtResult(r flows.AppendResult) string {
	return fmt.Sprintf("{Version:%d Replayed:%t Result:%q}", r.Version, r.Replayed, r.Result)
}

func fmtHistory(h flows.History) string {
	return fmt.Sprintf("{Version:%d Snapshot:%q SnapshotVersion:%d Events:%s}", h.Version, h.Snapshot, h.SnapshotVersion, fmtBytes(h.Events))
}

func sameHistory(a, b flows.History) bool {
	return a.Version == b.Version && bytes.Equal(a.Snapshot, b.Snapshot) &&
		(a.Snapshot == nil) == (b.Snapshot == nil) &&
		a.SnapshotVersion == b.SnapshotVersion && sameBytes(a.Events, b.Events)
}

func sameOutbox(a, b []flows.OutboxEntry) bool {
	return slices.EqualFunc(a, b, func(x, y flows.OutboxEntry) bool {
		return x.Seq == y.Seq && x.Chat == y.Chat && bytes.Equal(x.Body, y.Body)
	})
}

func fmtOutbox(out []flows.OutboxEntry) string {
	s := make([]string, len(out))
	for i, o := range out {
		s[i] = fmt.Sprintf("{%d %q %q}", o.Seq, o.Chat, o.Body)
	}
	return fmt.Sprint(s)
}

func sameDue(a, b []flows.DueProcess) bool {
	return slices.EqualFunc(a, b, func(x, y flows.DueProcess) bool {
		return x.Process == y.Process && x.At.Equal(y.At)
	})
}

func fmtDue(due []flows.DueProcess) string {
	s := make([]string, len(due))
	for i, d := range due {
		s[i] = fmt.Sprintf("{%s %s}", d.Process, d.At.UTC().Format("15:04:05.000"))
	}
	return fmt.Sprint(s)
}

// isNotFound reports errors.Is(err, flows.ErrNotFound).
func isNotFound(err error) bool { return errors.Is(err, flows.ErrNotFound) }
