package store

import (
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/samen-bot/samen/store/redistest"
)

// TestRedisDeleteProcessHints checks that DeleteProcess removes the
// process's hints and touches only its own slot in the script, and that
// readers cope with hints left behind (as when removing them failed after
// the script ran).
func TestRedisDeleteProcessHints(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	client := srv.NewClient(t)
	hook := &countHook{}
	client.AddHook(hook)
	r := NewRedis(client, RedisOptions{Prefix: newPrefix()})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const p = "p7"
	c := richTestCommit(p, "k", 0)
	_, err := r.Append(ctx, c)
	must(err)
	hook.reset()
	must(r.DeleteProcess(ctx, p))

	hook.mu.Lock()
	for _, ks := range hook.scriptKeys {
		for _, k := range ks {
			if tagOf(k) != p {
				t.Errorf("script keys %v: %q is not in {%s}'s slot", ks, k, p)
			}
		}
	}
	if len(hook.scriptKeys) == 0 {
		t.Errorf("DeleteProcess ran no script")
	}
	hook.mu.Unlock()
	if in, err := client.SIsMember(ctx, r.gkey("processes"), p).Result(); err != nil || in {
		t.Errorf("processes hint after DeleteProcess: member %t, %v, want gone", in, err)
	}
	if err := client.ZScore(ctx, r.gkey("due"), p).Err(); !isNil(err) {
		t.Errorf("due hint after DeleteProcess: got %v, want gone", err)
	}
	if in, err := client.SIsMember(ctx, r.gkey("outbox"), p).Result(); err != nil || in {
		t.Errorf("outbox hint after DeleteProcess: member %t, %v, want gone", in, err)
	}

	// Hints left behind name a process that is gone: readers check them.
	must(client.SAdd(ctx, r.gkey("processes"), p).Err())
	must(client.ZAdd(ctx, r.gkey("due"), redis.Z{Score: float64(c.NextDue.UnixMilli()), Member: p}).Err())
	must(client.SAdd(ctx, r.gkey("outbox"), p).Err())
	if ps, err := r.Processes(ctx); err != nil || len(ps) != 0 {
		t.Errorf("Processes with a stale hint: got %v, %v, want none", ps, err)
	}
	far := time.Now().Add(24 * time.Hour)
	if due, err := r.Due(ctx, far, 10); err != nil || len(due) != 0 {
		t.Errorf("Due with a stale hint: got %v, %v, want none", due, err)
	}
	if err := client.ZScore(ctx, r.gkey("due"), p).Err(); !isNil(err) {
		t.Errorf("due hint after Due: got %v, want it repaired away", err)
	}
	if out, err := r.PendingOutbox(ctx, p, 10); err != nil || len(out) != 0 {
		t.Errorf("PendingOutbox with a stale hint: got %v, %v, want none", out, err)
	}
	if ps, err := r.OutboxProcesses(ctx, 10); err != nil || len(ps) != 0 {
		t.Errorf("OutboxProcesses after PendingOutbox repaired the hint: got %v, %v, want none", ps, err)
	}

	// Re-created, the process is in its hints again.
	_, err = r.Append(ctx, richTestCommit(p, "k", 0))
	must(err)
	if ps, err := r.Processes(ctx); err != nil || !slices.Equal(ps, []string{p}) {
		t.Errorf("Processes after re-creating: got %v, %v, want [%s]", ps, err, p)
	}
	if due, err := r.Due(ctx, far, 10); err != nil || len(due) != 1 {
		t.Errorf("Due after re-creating: got %v, %v, want %s", due, err, p)
	}
}
