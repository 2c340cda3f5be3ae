package storetest

import (
	"fmt"
	"testing"
	"time"
)

func (e *env) lease(name, holder string, ttl time.Duration) bool {
	e.t.Helper()
	ok, err := e.s.Lease(e.ctx, name, holder, ttl)
	if err != nil {
		e.t.Fatalf("Lease(%s, %s): %v", name, holder, err)
	}
	return ok
}

func (e *env) release(name, holder string) {
	e.t.Helper()
	if err := e.s.ReleaseLease(e.ctx, name, holder); err != nil {
		e.t.Fatalf("ReleaseLease(%s, %s): %v", name, holder, err)
	}
}

func testLease(t *testing.T, e *env) {
	if !e.lease("poll", "a", time.Hour) {
		t.Fatal("Lease of a free lease: got false, want true")
	}
	if e.lease("poll", "b", time.Hour) {
		t.Fatal("Lease held by a, for b: got true, want false")
	}
	if !e.lease("poll", "a", time.Hour) {
		t.Fatal("Lease renewed by its holder: got false, want true")
	}
	if !e.lease("other", "b", time.Hour) {
		t.Fatal("Lease of another name: got false, want true")
	}
	// Only the holder releases.
	e.release("poll", "b")
	if e.lease("poll", "b", time.Hour) {
		t.Fatal("Lease after a release by a non-holder: got true, want false")
	}
	e.release("poll", "a")
	e.release("poll", "a") // twice is not an error
	if !e.lease("poll", "b", time.Hour) {
		t.Fatal("Lease after the holder released it: got false, want true")
	}
	if e.lease("poll", "a", time.Hour) {
		t.Fatal("Lease now held by b, for a: got true, want false")
	}
	e.release("never-taken", "a")
	for _, c := range []struct{ name, holder string }{{"", "a"}, {"x", ""}} {
		if _, err := e.s.Lease(e.ctx, c.name, c.holder, time.Hour); err == nil {
			t.Errorf("Lease(%q, %q): got nil, want an error", c.name, c.holder)
		}
	}
	if _, err := e.s.Lease(e.ctx, "x", "a", 0); err == nil {
		t.Error("Lease with ttl 0: got nil, want an error")
	}
}

func testLeaseRace(t *testing.T, e *env) {
	const clients = 12
	results := make(chan bool, clients)
	errs := make(chan error, clients)
	start := make(chan struct{})
	for i := range clients {
		s := e.open()
		go func() {
			<-start
			ok, err := s.Lease(e.ctx, "race", fmt.Sprint("holder-", i), time.Hour)
			results <- ok
			errs <- err
		}()
	}
	close(start)
	winners := 0
	for range clients {
		if <-results {
			winners++
		}
		if err := <-errs; err != nil {
			t.Errorf("Lease: %v", err)
		}
	}
	if winners != 1 {
		t.Errorf("%d of %d concurrent Lease calls by different holders got it; want exactly 1", winners, clients)
	}
}

func testLeaseExpiryClock(t *testing.T, e *env) {
	if e.h.Advance == nil {
		t.Skip("the store has no injectable clock (see LeaseExpiry/RealTTL)")
	}
	e.lease("poll", "a", time.Minute)
	e.h.Advance(59 * time.Second)
	if e.lease("poll", "b", time.Minute) {
		t.Fatal("Lease before the holder's expiry: got true, want false")
	}
	if !e.lease("poll", "a", time.Minute) { // renewed: another minute
		t.Fatal("renewal: got false, want true")
	}
	e.h.Advance(59 * time.Second)
	if e.lease("poll", "b", time.Minute) {
		t.Fatal("Lease before the renewed expiry: got true, want false")
	}
	e.h.Advance(time.Second)
	if !e.lease("poll", "b", time.Minute) {
		t.Fatal("Lease at the holder's expiry: got false, want true (a holder that died is replaced)")
	}
	if e.lease("poll", "a", time.Minute) {
		t.Fatal("the old holder after a takeover: got true, want false")
	}
}

func testLeaseExpiryRealTTL(t *testing.T, e *env) {
	if e.h.Advance != nil {
		t.Skip("the store runs on an injected clock (see LeaseExpiry/Clock)")
	}
	const ttl = 100 * time.Millisecond
	start := time.Now()
	e.lease("poll", "a", ttl)
	if e.lease("poll", "b", ttl) && time.Since(start) < ttl {
		t.Fatal("Lease before the holder's expiry: got true, want false")
	}
	waitFor(t, 5*time.Second, "b takes the lease a let expire", func() bool { return e.lease("poll", "b", time.Hour) })
	if time.Since(start) < ttl {
		t.Fatalf("b took the lease after %v, before its ttl %v", time.Since(start), ttl)
	}
	if e.lease("poll", "a", ttl) {
		t.Fatal("the old holder after a takeover: got true, want false")
	}
}
