package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/samen-bot/samen/store/redistest"
)

// TestRedisSentinelFailover: a store opened through Sentinel goes on after
// the sentinel promotes the replica: a commit made before the failover
// (and replicated) is still there, and the next commit is appended after
// it, on the new master.
func TestRedisSentinelFailover(t *testing.T) {
	s := redistest.StartSentinel(t, true)
	ctx := t.Context()
	r, err := OpenRedisMode(ctx, RedisSentinel, s.URL(), RedisOptions{})
	if err != nil {
		t.Fatalf("OpenRedisMode sentinel: %v", err)
	}
	defer r.Close()
	if _, err := r.Append(ctx, richTestCommit("p", "k0", 0)); err != nil {
		t.Fatalf("Append before the failover: %v", err)
	}
	// The commit reaches the replica before the failover (asynchronous
	// replication may lose the last writes otherwise: not this test's
	// subject).
	if n, err := s.Master.NewClient(t).Wait(ctx, 1, 5*time.Second).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT for the replica: %d, %v", n, err)
	}
	sentinel := s.SentinelClient(t)
	if err := sentinel.Failover(ctx, redistest.SentinelMaster).Err(); err != nil {
		t.Fatalf("SENTINEL FAILOVER: %v", err)
	}
	redistest.WaitFor(t, 30*time.Second, "the replica promoted", func() (bool, string) {
		addr, err := sentinel.GetMasterAddrByName(ctx, redistest.SentinelMaster).Result()
		if err != nil || len(addr) != 2 {
			return false, fmt.Sprint(addr, err)
		}
		return addr[0]+":"+addr[1] == s.Replica.Addr(), fmt.Sprint("master ", addr)
	})
	// The client follows the new master (it may see the old one refuse
	// writes for a moment): the same commit, retried, goes through once.
	redistest.WaitFor(t, 30*time.Second, "an Append on the new master", func() (bool, string) {
		_, err := r.Append(ctx, richTestCommit("p", "k1", 1))
		return err == nil, fmt.Sprint(err)
	})
	h, err := r.Load(ctx, "p")
	if err != nil {
		t.Fatalf("Load after the failover: %v", err)
	}
	if h.Version != 2 {
		t.Fatalf("version after the failover: %d, want 2 (the commit before and the one after)", h.Version)
	}
	if role, err := s.Replica.NewClient(t).Do(context.Background(), "role").Slice(); err != nil || role[0] != "master" {
		t.Fatalf("the promoted replica's role: %v, %v", role, err)
	}
}
