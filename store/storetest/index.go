package storetest

import (
	"bytes"
	"slices"
	"testing"
	"time"
)

func testIndex(t *testing.T, e *env) {
	if _, err := e.s.Index(e.ctx, "chat:1"); !isNotFound(err) {
		t.Fatalf("Index of a missing key: got %v, want flows.ErrNotFound", err)
	}
	for range 2 {
		if err := e.s.SetIndex(e.ctx, "chat:1", "p1"); err != nil {
			t.Fatalf("SetIndex: %v", err)
		}
	}
	if v, err := e.s.Index(e.ctx, "chat:1"); err != nil || v != "p1" {
		t.Fatalf("Index: got %q, %v, want p1", v, err)
	}
	if v, err := e.open().Index(e.ctx, "chat:1"); err != nil || v != "p1" {
		t.Fatalf("Index from another client: got %q, %v, want p1", v, err)
	}
	for range 2 {
		if err := e.s.DeleteIndex(e.ctx, "chat:1"); err != nil {
			t.Fatalf("DeleteIndex: %v", err)
		}
		if _, err := e.s.Index(e.ctx, "chat:1"); !isNotFound(err) {
			t.Fatalf("Index after DeleteIndex: got %v, want flows.ErrNotFound", err)
		}
	}
	if err := e.s.DeleteIndex(e.ctx, "never-set"); err != nil {
		t.Fatalf("DeleteIndex of a missing key: %v", err)
	}
}

func testSets(t *testing.T, e *env) {
	members := func(key string) []string {
		t.Helper()
		m, err := e.s.SetMembers(e.ctx, key)
		if err != nil {
			t.Fatalf("SetMembers(%s): %v", key, err)
		}
		return m
	}
	if m := members("user:1"); len(m) != 0 {
		t.Fatalf("SetMembers of a missing set: got %v, want none", m)
	}
	for _, m := range []string{"c", "a", "b", "a", "c"} {
		if err := e.s.AddToSet(e.ctx, "user:1", m); err != nil {
			t.Fatalf("AddToSet(%s): %v", m, err)
		}
	}
	if got, want := members("user:1"), []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Fatalf("SetMembers: got %v, want %v", got, want)
	}
	for range 2 {
		if err := e.s.RemoveFromSet(e.ctx, "user:1", "b"); err != nil {
			t.Fatalf("RemoveFromSet: %v", err)
		}
	}
	if err := e.s.RemoveFromSet(e.ctx, "no-set", "b"); err != nil {
		t.Fatalf("RemoveFromSet of a missing set: %v", err)
	}
	if got, want := members("user:1"), []string{"a", "c"}; !slices.Equal(got, want) {
		t.Fatalf("SetMembers after removing b: got %v, want %v", got, want)
	}
	if got := members("user:2"); len(got) != 0 {
		t.Fatalf("another set: got %v, want none", got)
	}
	for _, m := range []string{"a", "c"} {
		if err := e.s.RemoveFromSet(e.ctx, "user:1", m); err != nil {
			t.Fatalf("RemoveFromSet: %v", err)
		}
	}
	if got := members("user:1"); len(got) != 0 {
		t.Fatalf("SetMembers after removing all: got %v, want none", got)
	}
}

func (e *env) temp(key string) ([]byte, error) { return e.s.Temp(e.ctx, key) }

func testTemp(t *testing.T, e *env) {
	if _, err := e.temp("claim"); !isNotFound(err) {
		t.Fatalf("Temp of a missing key: got %v, want flows.ErrNotFound", err)
	}
	if err := e.s.PutTemp(e.ctx, "claim", []byte("v1"), time.Hour); err != nil {
		t.Fatalf("PutTemp: %v", err)
	}
	if err := e.s.PutTemp(e.ctx, "claim", []byte("v2"), time.Hour); err != nil {
		t.Fatalf("PutTemp again: %v", err)
	}
	if v, err := e.temp("claim"); err != nil || !bytes.Equal(v, []byte("v2")) {
		t.Fatalf("Temp: got %q, %v, want v2", v, err)
	}
	for range 2 {
		if err := e.s.DeleteTemp(e.ctx, "claim"); err != nil {
			t.Fatalf("DeleteTemp: %v", err)
		}
		if _, err := e.temp("claim"); !isNotFound(err) {
			t.Fatalf("Temp after DeleteTemp: got %v, want flows.ErrNotFound", err)
		}
	}
}

func testTempExpiryClock(t *testing.T, e *env) {
	if e.h.Advance == nil {
		t.Skip("the store has no injectable clock (see TempExpiry/RealTTL)")
	}
	if err := e.s.PutTemp(e.ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatalf("PutTemp: %v", err)
	}
	e.h.Advance(59 * time.Second)
	if v, err := e.temp("k"); err != nil || string(v) != "v" {
		t.Fatalf("Temp before expiry: got %q, %v, want v", v, err)
	}
	e.h.Advance(time.Second)
	if _, err := e.temp("k"); !isNotFound(err) {
		t.Fatalf("Temp at expiry: got %v, want flows.ErrNotFound", err)
	}
	// Writing it again starts afresh.
	if err := e.s.PutTemp(e.ctx, "k", []byte("w"), time.Minute); err != nil {
		t.Fatalf("PutTemp: %v", err)
	}
	if v, err := e.temp("k"); err != nil || string(v) != "w" {
		t.Fatalf("Temp after rewriting: got %q, %v, want w", v, err)
	}
	if err := e.s.DeleteTemp(e.ctx, "k"); err != nil {
		t.Fatalf("DeleteTemp: %v", err)
	}
}

func testTempExpiryRealTTL(t *testing.T, e *env) {
	if e.h.Advance != nil {
		t.Skip("the store runs on an injected clock (see TempExpiry/Clock)")
	}
	const ttl = 100 * time.Millisecond
	start := time.Now()
	if err := e.s.PutTemp(e.ctx, "k", []byte("v"), ttl); err != nil {
		t.Fatalf("PutTemp: %v", err)
	}
	if v, err := e.temp("k"); err == nil {
		if string(v) != "v" {
			t.Fatalf("Temp: got %q, want v", v)
		}
	} else if !isNotFound(err) || time.Since(start) < ttl {
		t.Fatalf("Temp before expiry: got %v, want v", err)
	}
	waitFor(t, 10*time.Second, "the temporary value expires", func() bool {
		_, err := e.temp("k")
		if err != nil && !isNotFound(err) {
			t.Fatalf("Temp: %v", err)
		}
		return err != nil
	})
	if elapsed := time.Since(start); elapsed < ttl-5*time.Millisecond {
		t.Fatalf("value expired after %v, before its ttl %v", elapsed, ttl)
	}
	if err := e.s.DeleteTemp(e.ctx, "k"); err != nil {
		t.Fatalf("DeleteTemp of an expired value: %v", err)
	}
}

// AddTemp stores only where nothing live is stored, and of many clients
// adding one key at once exactly one does.
func testAddTemp(t *testing.T, e *env) {
	added, err := e.s.AddTemp(e.ctx, "link", []byte("first"), time.Hour)
	if err != nil || !added {
		t.Fatalf("AddTemp of a new key: %v, %v; want true", added, err)
	}
	added, err = e.s.AddTemp(e.ctx, "link", []byte("second"), time.Hour)
	if err != nil || added {
		t.Fatalf("AddTemp of a held key: %v, %v; want false", added, err)
	}
	if v, err := e.temp("link"); err != nil || string(v) != "first" {
		t.Fatalf("Temp after a refused AddTemp: %q, %v; want first", v, err)
	}

	const clients = 12
	stores := make([]Store, clients)
	for i := range stores {
		stores[i] = e.h.Open(t)
	}
	results := make(chan bool, clients)
	errs := make(chan error, clients)
	start := make(chan struct{})
	for _, s := range stores {
		go func() {
			<-start
			ok, err := s.AddTemp(e.ctx, "race", []byte("x"), time.Hour)
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
			t.Errorf("AddTemp: %v", err)
		}
	}
	if winners != 1 {
		t.Errorf("%d of %d concurrent AddTemp calls for one key stored; want exactly 1", winners, clients)
	}

	if e.h.Advance != nil {
		if _, err := e.s.AddTemp(e.ctx, "short", []byte("a"), time.Minute); err != nil {
			t.Fatal(err)
		}
		e.h.Advance(time.Minute)
		if added, err := e.s.AddTemp(e.ctx, "short", []byte("b"), time.Minute); err != nil || !added {
			t.Errorf("AddTemp over an expired value: %v, %v; want true", added, err)
		}
	}
}
