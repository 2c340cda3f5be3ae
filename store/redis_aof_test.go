package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store/redistest"
)

// The Redis fault tests of issue 8: a Redis running with an append-only
// file is killed (SIGKILL) or shut down in the middle of a stream of
// commits, and started again on the same directory. A commit is
// acknowledged when Append returned without an error: the bot core tells a
// person "Genoteerd" (and Telegram that the update arrived) only after that.

// ackedCommit is one acknowledged commit of the stream.
type ackedCommit struct {
	writer int
	n      int // its place in the writer's process log (version)
	at     time.Time
}

// aofStream appends commits to one process per writer, each a vote-like
// event, until stop is closed or an Append fails, at most one commit per
// writer per tick of every (0: as fast as it goes). It returns the
// acknowledged commits.
func aofStream(t *testing.T, r *Redis, writers int, every time.Duration, stop <-chan struct{}, acked chan<- int) []ackedCommit {
	t.Helper()
	var mu sync.Mutex
	var out []ackedCommit
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			var tick <-chan time.Time
			if every > 0 {
				tk := time.NewTicker(every)
				defer tk.Stop()
				tick = tk.C
			}
			for n := 1; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if tick != nil {
					select {
					case <-stop:
						return
					case <-tick:
					}
				}
				ev, _ := json.Marshal(map[string]any{"type": "vote_cast", "user": fmt.Sprintf("tg:%d", n), "writer": w, "n": n})
				ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
				_, err := r.Append(ctx, flows.Commit{
					Process:    fmt.Sprintf("aof%d", w),
					Key:        fmt.Sprintf("vote-%d-%d", w, n),
					KeyExpires: time.Now().Add(flows.MinKeyTTL + time.Hour),
					Expected:   int64(n - 1),
					Events:     [][]byte{ev},
				})
				cancel()
				if err != nil {
					return // Redis went away: this one is not acknowledged
				}
				mu.Lock()
				out = append(out, ackedCommit{writer: w, n: n, at: time.Now()})
				mu.Unlock()
				select {
				case acked <- 1:
				default:
				}
			}
		})
	}
	wg.Wait()
	return out
}

// aofCheck reads each writer's log after the restart and returns the
// acknowledged commits missing from it. It fails the test on an event
// recorded twice, out of order, or beyond the one commit a writer may have
// had in flight at the kill.
func aofCheck(t *testing.T, r *Redis, writers int, acked []ackedCommit) (lost []ackedCommit) {
	t.Helper()
	ctx := context.Background()
	last := make([]int, writers)
	for _, a := range acked {
		last[a.writer] = max(last[a.writer], a.n)
	}
	for w := range writers {
		raws, err := r.ReadLog(ctx, fmt.Sprintf("aof%d", w), 1, 1_000_000)
		if err != nil {
			t.Fatalf("read log of writer %d: %v", w, err)
		}
		for i, raw := range raws {
			var e struct{ N int }
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatal(err)
			}
			if e.N != i+1 {
				t.Errorf("writer %d: version %d holds commit %d (recorded twice or out of order)", w, i+1, e.N)
			}
		}
		// One commit past the last acknowledged one may be recorded: it
		// ran, but its answer was lost with the server.
		if len(raws) > last[w]+1 {
			t.Errorf("writer %d: %d commits recorded, but only %d acknowledged (+1 in flight)", w, len(raws), last[w])
		}
		for _, a := range acked {
			if a.writer == w && a.n > len(raws) {
				lost = append(lost, a)
			}
		}
	}
	return lost
}

// runAOFFault streams commits, waits until minAcked are acknowledged and
// minRun has passed, then kills (or, graceful, stops) the server, restarts
// it and returns the stream, the commits lost and when the fault came.
func runAOFFault(t *testing.T, fsync string, graceful bool, every time.Duration, minAcked int, minRun time.Duration) (acked, lost []ackedCommit, fault time.Time) {
	t.Helper()
	srv := redistest.StartWith(t, "--appendonly", "yes", "--appendfsync", fsync)
	r := openTestRedis(t, srv, newPrefix())
	const writers = 4
	stop := make(chan struct{})
	ackCh := make(chan int, 1)
	done := make(chan []ackedCommit)
	go func() { done <- aofStream(t, r, writers, every, stop, ackCh) }()
	count := 0
	deadline := time.After(30 * time.Second)
	ran := time.After(minRun)
	for count < minAcked || ran != nil {
		select {
		case <-ackCh:
			count++ // a lower bound: ticks may be coalesced
		case <-ran:
			ran = nil
		case <-deadline:
			t.Fatalf("the stream acknowledged only %d commits in 30 s", count)
		}
	}
	fault = time.Now()
	if graceful {
		srv.Stop() // SIGTERM: Redis writes and syncs its AOF and exits
	} else {
		srv.Kill()
	}
	close(stop)
	acked = <-done
	srv.Restart()
	return acked, aofCheck(t, r, writers, acked), fault
}

// With appendfsync always, Redis syncs the AOF before it answers: a crash
// loses nothing acknowledged.
func TestRedisAOFAlwaysKillLosesNothingAcknowledged(t *testing.T) {
	acked, lost, _ := runAOFFault(t, "always", false, 0, 400, 0)
	t.Logf("appendfsync always, kill -9: %d commits acknowledged, %d lost", len(acked), len(lost))
	for _, l := range lost {
		t.Errorf("acknowledged commit %d of writer %d lost", l.n, l.writer)
	}
}

// With appendfsync everysec, Redis writes the AOF to the kernel before it
// answers and syncs it to the disk once a second. A crash of Redis alone
// (kill -9) leaves what it wrote in the kernel, which writes it out: the
// test measures the loss and asserts only the documented bound, that
// whatever was lost was acknowledged in the last two seconds before the
// crash. (A crash of the machine — power, kernel — can lose that last
// second or two; a test cannot pull the plug.)
func TestRedisAOFEverysecKillLosesAtMostTheLastSeconds(t *testing.T) {
	if testing.Short() {
		t.Skip("streams commits for three seconds")
	}
	// A steady stream: 4 writers, one commit every 2 ms each.
	acked, lost, fault := runAOFFault(t, "everysec", false, 2*time.Millisecond, 1000, 3*time.Second)
	window := time.Duration(0)
	for _, l := range lost {
		window = max(window, fault.Sub(l.at))
		if fault.Sub(l.at) > 2*time.Second {
			t.Errorf("commit %d of writer %d, acknowledged %v before the kill, lost", l.n, l.writer, fault.Sub(l.at).Round(time.Millisecond))
		}
	}
	rate := float64(len(acked)) / 3
	t.Logf("appendfsync everysec, kill -9 of redis-server: %d commits acknowledged (about %.0f a second), %d lost (acknowledged up to %v before the kill)",
		len(acked), rate, len(lost), window.Round(time.Millisecond))
}

// A graceful shutdown (SIGTERM) writes and syncs the AOF first: with
// everysec too, nothing acknowledged is lost.
func TestRedisAOFEverysecGracefulRestartLosesNothing(t *testing.T) {
	acked, lost, _ := runAOFFault(t, "everysec", true, 0, 400, 0)
	t.Logf("appendfsync everysec, graceful restart: %d commits acknowledged, %d lost", len(acked), len(lost))
	for _, l := range lost {
		t.Errorf("acknowledged commit %d of writer %d lost", l.n, l.writer)
	}
}
