package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/samen-bot/samen/flows"
)

// testConcurrent has G writers, each with its own client, append K events
// each to one process, reloading and retrying on conflict. The first round
// forces conflicts: every writer loads version 0, waits until all have,
// then appends with Expected 0, so exactly one wins.
func testConcurrent(t *testing.T, e *env) {
	const (
		G = 8
		K = 25
		p = "contended"
	)
	stores := make([]Store, G)
	for g := range stores {
		stores[g] = e.open()
	}

	var (
		loaded     sync.WaitGroup // the barrier of the first round
		done       sync.WaitGroup
		conflicts  atomic.Int64
		retries    atomic.Int64
		firstWins  atomic.Int64
		firstLoses atomic.Int64
		replays    atomic.Int64
	)
	loaded.Add(G)
	done.Add(G)
	for g := range G {
		go func() {
			defer done.Done()
			s := stores[g]
			_, err := s.Load(e.ctx, p)
			loaded.Done()
			if !isNotFound(err) {
				t.Errorf("writer %d: first Load: got %v, want flows.ErrNotFound", g, err)
				return
			}
			loaded.Wait() // every writer has seen version 0

			expected := int64(0)
			first := true
			for seq, attempts := 0, 0; seq < K; attempts++ {
				if attempts > 100*K {
					t.Errorf("writer %d: gave up after %d attempts", g, attempts)
					return
				}
				c := flows.Commit{
					Process:    p,
					Key:        fmt.Sprintf("w%d-s%d", g, seq),
					KeyExpires: commit(p, "", 0).KeyExpires,
					Expected:   expected,
					Events:     [][]byte{encodeRace(g, seq, expected+1)},
					Result:     []byte(fmt.Sprintf("result w%d s%d", g, seq)),
				}
				res, err := s.Append(e.ctx, c)
				var ce *flows.ConflictError
				if errors.As(err, &ce) {
					conflicts.Add(1)
					if first {
						firstLoses.Add(1)
						first = false
					}
					// Reload and retry the same action, with the same key.
					h, err := s.Load(e.ctx, p)
					if err != nil {
						t.Errorf("writer %d: reload: %v", g, err)
						return
					}
					if h.Version < ce.Current {
						t.Errorf("writer %d: reload: got version %d, below the conflict's %d", g, h.Version, ce.Current)
						return
					}
					expected = h.Version
					retries.Add(1)
					continue
				}
				if err != nil {
					t.Errorf("writer %d: Append: %v", g, err)
					return
				}
				if first {
					firstWins.Add(1)
					first = false
				}
				if res.Replayed || res.Version != expected+1 || !bytes.Equal(res.Result, c.Result) {
					t.Errorf("writer %d: Append: got %s, want version %d, not replayed", g, fmtResult(res), expected+1)
					return
				}
				if seq%5 == 0 {
					// A redelivery, with a stale Expected, amid the race.
					stale := c
					stale.Expected = 0
					stale.Events = [][]byte{[]byte("must not be written")}
					again, err := s.Append(e.ctx, stale)
					if err != nil || !again.Replayed || again.Version != res.Version || !bytes.Equal(again.Result, res.Result) {
						t.Errorf("writer %d: replay of %s: got %s, %v, want {Version:%d Replayed:true Result:%q}",
							g, c.Key, fmtResult(again), err, res.Version, res.Result)
						return
					}
					replays.Add(1)
				}
				expected = res.Version
				seq++
			}
		}()
	}
	done.Wait()
	if t.Failed() {
		return
	}

	if firstWins.Load() != 1 || firstLoses.Load() != G-1 {
		t.Errorf("first round: got %d winners and %d conflicts, want 1 and %d", firstWins.Load(), firstLoses.Load(), G-1)
	}
	if conflicts.Load() == 0 || retries.Load() == 0 {
		t.Errorf("got %d conflicts and %d retries, want some of each", conflicts.Load(), retries.Load())
	}
	if replays.Load() == 0 {
		t.Errorf("got no replays, want some")
	}
	t.Logf("%d writers × %d events: %d conflicts, %d retries, %d replays", G, K, conflicts.Load(), retries.Load(), replays.Load())

	h := e.load(p)
	if h.Version != G*K || len(h.Events) != G*K {
		t.Fatalf("Load: got version %d with %d events, want %d", h.Version, len(h.Events), G*K)
	}
	if log := e.readLog(p, 1, G*K+10); !sameBytes(log, h.Events) {
		t.Errorf("ReadLog and Load disagree")
	}
	seen := map[[2]int]int64{}
	for i, ev := range h.Events {
		g, seq, v, err := decodeRace(ev)
		if err != nil {
			t.Fatalf("event at version %d: %v", i+1, err)
		}
		if v != int64(i+1) {
			t.Errorf("event %q is at version %d, want %d", ev, i+1, v)
		}
		if prev, dup := seen[[2]int{g, seq}]; dup {
			t.Errorf("writer %d's event %d appears at versions %d and %d", g, seq, prev, i+1)
		}
		seen[[2]int{g, seq}] = int64(i + 1)
	}
	for g := range G {
		for seq := range K {
			if _, ok := seen[[2]int{g, seq}]; !ok {
				t.Errorf("writer %d's event %d is missing", g, seq)
			}
		}
	}
}

// encodeRace names an event by writer, sequence and the version it was
// meant for.
func encodeRace(g, seq int, v int64) []byte {
	return []byte(fmt.Sprintf("writer=%d seq=%d version=%d", g, seq, v))
}

func decodeRace(b []byte) (g, seq int, v int64, err error) {
	_, err = fmt.Sscanf(string(b), "writer=%d seq=%d version=%d", &g, &seq, &v)
	return g, seq, v, err
}
