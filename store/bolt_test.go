package store

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store/storetest"
)

var _ storetest.Store = (*Bolt)(nil)

// fakeClock is the injected clock of the bbolt tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func openTestBolt(t *testing.T) (*Bolt, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: time.Now()}
	b, err := OpenBolt(filepath.Join(t.TempDir(), "samen.db"), BoltOptions{Now: clock.Now})
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	// Skip fsync: these tests check logic, not durability, and a slow disk
	// would make the concurrent test crawl (TestBoltLocked keeps fsync).
	b.db.NoSync = true
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b, clock
}

// share returns another client of b's open file (a file can be opened only
// once per process); closing it leaves the file open.
func (b *Bolt) share() *Bolt {
	return &Bolt{db: b.db, path: b.path, now: b.now}
}

func TestBoltConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		b, clock := openTestBolt(t)
		return storetest.Harness{
			Open:    func(*testing.T) storetest.Store { return b.share() },
			Advance: clock.Advance,
		}
	})
}

// A lease in the file was held by a process that stopped: killed, it did
// not release it, and the next process must not wait out its term (the
// poll lease is 30 s, an update's claim 2 minutes).
func TestBoltLeasesFreeAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samen.db")
	first, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ok, err := first.Lease(ctx, "tg:poller", "dead", time.Hour); !ok || err != nil {
		t.Fatalf("Lease: %v %v", ok, err)
	}
	first.Close() // without ReleaseLease, as under SIGKILL
	second, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if ok, err := second.Lease(ctx, "tg:poller", "next", time.Hour); !ok || err != nil {
		t.Errorf("the next process's Lease: %v %v; want the lease of the stopped one free", ok, err)
	}
	if ok, err := second.Lease(ctx, "tg:poller", "third", time.Hour); ok || err != nil {
		t.Errorf("a lease taken in this process: another holder got it (%v %v)", ok, err)
	}
}

func TestBoltLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samen.db")
	first, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	defer first.Close()

	start := time.Now()
	second, err := OpenBolt(path, BoltOptions{LockTimeout: 100 * time.Millisecond})
	elapsed := time.Since(start)
	if err == nil {
		second.Close()
		t.Fatalf("second OpenBolt of %s: got no error, want ErrLocked", path)
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second OpenBolt: got %v, want an error matching ErrLocked", err)
	}
	var le *LockedError
	if !errors.As(err, &le) || le.Path != path {
		t.Fatalf("second OpenBolt: got %#v, want a *LockedError for %s", err, path)
	}
	for _, want := range []string{path, "in use by another Samen process", "SAMEN_DATA_DIR"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if elapsed > 2*time.Second {
		t.Errorf("second OpenBolt took %v, want about the 100ms lock timeout", elapsed)
	}

	// Once the first is closed, the file opens again with its data.
	ctx := context.Background()
	if _, err := first.Append(ctx, flows.Commit{Process: "p", Key: "k", Events: [][]byte{[]byte("e")}}); err != nil {
		t.Fatalf("Append: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	again, err := OpenBolt(path, BoltOptions{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("OpenBolt after Close: %v", err)
	}
	defer again.Close()
	if h, err := again.Load(ctx, "p"); err != nil || h.Version != 1 {
		t.Fatalf("Load after reopening: got %+v, %v, want version 1", h, err)
	}
}

func TestBoltOpenError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "samen.db")
	_, err := OpenBolt(path, BoltOptions{})
	if err == nil || errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Fatalf("OpenBolt in a missing directory: got %v, want an error naming %s", err, path)
	}
}

// countKeys counts the dumped keys under a bucket path prefix.
func countKeys(t *testing.T, b *Bolt, prefix string) int {
	t.Helper()
	n := 0
	err := b.Dump(context.Background(), func(k string, _ []byte) error {
		if strings.HasPrefix(k, prefix) {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Dump: %v", err)
	}
	return n
}

func TestBoltPurgesExpired(t *testing.T) {
	b, clock := openTestBolt(t)
	ctx := context.Background()
	const n = 3*purgeBudget + 5
	for i := range n {
		c := flows.Commit{
			Process: "p", Key: "k" + string(rune('A'+i)), KeyExpires: clock.Now().Add(time.Hour),
			Expected: int64(i), Events: [][]byte{[]byte("e")},
		}
		if _, err := b.Append(ctx, c); err != nil {
			t.Fatalf("Append: %v", err)
		}
		if err := b.PutTemp(ctx, "t"+string(rune('A'+i)), []byte("v"), time.Hour); err != nil {
			t.Fatalf("PutTemp: %v", err)
		}
	}
	if got := countKeys(t, b, "procs/p/idem/"); got != n {
		t.Fatalf("idempotency keys: got %d, want %d", got, n)
	}
	clock.Advance(2 * time.Hour)

	// Each write purges at most purgeBudget of each kind.
	version := int64(n)
	appendOne := func() {
		t.Helper()
		c := flows.Commit{Process: "p", Key: "late" + string(rune('A'+version)), Expected: version, Events: [][]byte{[]byte("e")}}
		if _, err := b.Append(ctx, c); err != nil {
			t.Fatalf("Append: %v", err)
		}
		version++
	}
	appendOne()
	if got, want := countKeys(t, b, "procs/p/idem/"), n-purgeBudget+1; got != want {
		t.Fatalf("idempotency keys after one Append: got %d, want %d", got, want)
	}
	if got, want := countKeys(t, b, "temp/"), n-purgeBudget; got != want {
		t.Fatalf("temp values after one Append: got %d, want %d", got, want)
	}
	for range 3 {
		appendOne()
	}
	if got, want := countKeys(t, b, "procs/p/idem/"), 4; got != want {
		t.Fatalf("idempotency keys after four Appends: got %d, want %d (only the fresh ones)", got, want)
	}
	if got, want := countKeys(t, b, "idem-exp/"), 4; got != want {
		t.Fatalf("idempotency expiry entries: got %d, want %d", got, want)
	}
	if got := countKeys(t, b, "temp"); got != 0 {
		t.Fatalf("temp values and expiry entries after four Appends: got %d, want 0", got)
	}
}

func TestBoltSharedCloseKeepsFile(t *testing.T) {
	b, _ := openTestBolt(t)
	if err := b.share().Close(); err != nil {
		t.Fatalf("Close of a shared client: %v", err)
	}
	if _, err := b.Processes(context.Background()); err != nil {
		t.Fatalf("Processes after closing a shared client: %v", err)
	}
}

func TestBoltOutboxProcessesGoesRound(t *testing.T) {
	b, _ := openTestBolt(t)
	ctx := context.Background()
	all := []string{"a", "b", "c", "d", "e"}
	for _, p := range all {
		c := flows.Commit{Process: p, Key: "k", Outbox: []flows.OutboxEntry{{Chat: "c", Body: []byte("b")}}}
		if _, err := b.Append(ctx, c); err != nil {
			t.Fatalf("Append: %v", err)
		}
	}
	var got []string
	for range 3 {
		ps, err := b.OutboxProcesses(ctx, 2)
		if err != nil {
			t.Fatalf("OutboxProcesses: %v", err)
		}
		if len(ps) != 2 {
			t.Fatalf("OutboxProcesses(2): got %v, want two", ps)
		}
		got = append(got, ps...)
	}
	if want := []string{"a", "b", "c", "d", "e", "a"}; !slices.Equal(got, want) {
		t.Fatalf("three calls of OutboxProcesses(2): got %v, want %v", got, want)
	}
	// With a limit above the count, each process comes once.
	ps, err := b.OutboxProcesses(ctx, 10)
	slices.Sort(ps)
	if err != nil || !slices.Equal(ps, all) {
		t.Fatalf("OutboxProcesses(10): got %v, %v, want %v", ps, err, all)
	}
}
