package redistest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the name the sentinel of StartSentinel monitors.
const SentinelMaster = "samen-test"

// Sentinel is a master, optionally a replica of it, and one sentinel
// (redis-server --sentinel) monitoring them with quorum 1, all on TCP
// ports of 127.0.0.1: a sentinel hands out TCP addresses.
type Sentinel struct {
	Master   *Server
	Replica  *Server // nil without a replica
	Sentinel *Server
}

// StartSentinel starts the master (and with replica a replica, synced
// before it returns) and the sentinel, and waits until the sentinel names
// the master (and could promote the replica). All stop at the test's cleanup.
// The sentinel takes a master for down after 1 s without answers.
func StartSentinel(t testing.TB, replica bool) *Sentinel {
	t.Helper()
	s := &Sentinel{}
	none := func(int) ([]string, error) { return nil, nil }
	s.Master = startTCP(t, nil, none)
	host, port, _ := strings.Cut(s.Master.Addr(), ":")
	if replica {
		s.Replica = startTCP(t, nil, func(int) ([]string, error) {
			return []string{"--replicaof", host, port}, nil
		})
		rc := s.Replica.NewClient(t)
		waitUntil(t, "replica in sync", func() (bool, string) {
			info, err := rc.Info(context.Background(), "replication").Result()
			if err != nil {
				return false, err.Error()
			}
			return strings.Contains(info, "master_link_status:up"), info
		})
	}
	conf := filepath.Join(tempDir(t), "sentinel.conf")
	text := fmt.Sprintf("sentinel monitor %[1]s %[2]s %[3]s 1\n"+
		"sentinel down-after-milliseconds %[1]s 1000\n"+
		"sentinel failover-timeout %[1]s 10000\n", SentinelMaster, host, port)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatalf("write sentinel.conf: %v", err)
	}
	s.Sentinel = startTCP(t, []string{conf, "--sentinel"}, none)
	sc := s.SentinelClient(t)
	waitUntil(t, "sentinel knows the master", func() (bool, string) {
		ctx := context.Background()
		addr, err := sc.GetMasterAddrByName(ctx, SentinelMaster).Result()
		if err != nil {
			return false, err.Error()
		}
		if len(addr) != 2 || addr[0]+":"+addr[1] != s.Master.Addr() {
			return false, fmt.Sprint("master ", addr)
		}
		if s.Replica == nil {
			return true, ""
		}
		// Promotable: the sentinel reaches it and it reaches the master.
		replicas, err := sc.Replicas(ctx, SentinelMaster).Result()
		return err == nil && len(replicas) == 1 && replicas[0]["flags"] == "slave" &&
			replicas[0]["master-link-status"] == "ok", fmt.Sprint("replicas ", replicas, err)
	})
	return s
}

// URL is the sentinel's address as go-redis's ParseFailoverURL reads it:
// redis://host:port?master_name=….
func (s *Sentinel) URL() string {
	return "redis://" + s.Sentinel.Addr() + "?master_name=" + SentinelMaster
}

// NewClient returns a failover client (it asks the sentinel for the
// master), closed at the test's cleanup.
func (s *Sentinel) NewClient(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewFailoverClient(&redis.FailoverOptions{
		MasterName:            SentinelMaster,
		SentinelAddrs:         []string{s.Sentinel.Addr()},
		ContextTimeoutEnabled: true,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// SentinelClient returns a client of the sentinel itself (SENTINEL
// commands), closed at the test's cleanup.
func (s *Sentinel) SentinelClient(t testing.TB) *redis.SentinelClient {
	t.Helper()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinel.Addr(), ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = sc.Close() })
	return sc
}
