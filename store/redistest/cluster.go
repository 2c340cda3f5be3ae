package redistest

import (
	"context"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// StartCluster runs a one-node Redis Cluster (all 16384 slots on one
// server). It is enough to check what a Cluster forbids: a script or a
// transaction whose keys are in different slots fails with CROSSSLOT even
// on one node. Reach it with NewClusterClient.
//
// A cluster node also listens on a TCP port for its cluster bus; StartCluster
// binds it to 127.0.0.1 on a free port (--cluster-port, Redis 7 or later).
func StartCluster(t testing.TB, args ...string) *Server {
	t.Helper()
	s := &Server{t: t, bin: lookPath(t), dir: tempDir(t)}
	s.sock = filepath.Join(s.dir, "redis.sock")
	t.Cleanup(s.Stop)
	// Another process may take the free port before redis-server binds it:
	// try a few.
	var err error
	for range 5 {
		var port int
		if port, err = freePort(); err != nil {
			t.Fatalf("find a port for the cluster bus: %v", err)
		}
		// The cluster's nodes.conf goes to the data directory (--dir).
		s.args = append([]string{
			"--cluster-enabled", "yes",
			"--cluster-port", strconv.Itoa(port),
			"--bind", "127.0.0.1",
		}, args...)
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	c := s.NewClient(t)
	ctx := context.Background()
	if err := c.ClusterAddSlotsRange(ctx, 0, 16383).Err(); err != nil {
		t.Fatalf("assign cluster slots: %v", err)
	}
	deadline := time.After(StartTimeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return s
		}
		select {
		case <-deadline:
			t.Fatalf("cluster not ok after %v: %v\n%s", StartTimeout, err, info)
		case <-tick.C:
		}
	}
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// NewClusterClient returns a Cluster client of a server started with
// StartCluster, closed at the test's cleanup. The node announces no TCP
// address, so every connection goes to the unix socket.
func (s *Server) NewClusterClient(t testing.TB) *redis.ClusterClient {
	t.Helper()
	c := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs: []string{s.sock},
		Dialer: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", s.sock)
		},
		ContextTimeoutEnabled: true,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}
