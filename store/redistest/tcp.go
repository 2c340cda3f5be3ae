package redistest

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startTCP starts a server that also listens on a free TCP port of
// 127.0.0.1, with the arguments args(port) after the defaults. It is
// stopped at the test's cleanup. Another process may take the free port
// before redis-server binds it: startTCP tries a few.
func startTCP(t testing.TB, pre []string, args func(port int) ([]string, error)) *Server {
	t.Helper()
	var err error
	for range 5 {
		var port int
		if port, err = freePort(); err != nil {
			t.Fatalf("find a port for redis-server: %v", err)
		}
		var a []string
		if a, err = args(port); err != nil {
			t.Fatalf("find ports for redis-server: %v", err)
		}
		s := &Server{t: t, bin: lookPath(t), dir: tempDir(t), pre: pre}
		s.sock = filepath.Join(s.dir, "redis.sock")
		s.addr = "127.0.0.1:" + strconv.Itoa(port)
		s.args = append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1"}, a...)
		if err = s.start(); err == nil {
			t.Cleanup(s.Stop)
			return s
		}
	}
	t.Fatal(err)
	return nil
}

// Addr is the server's TCP address, host:port, for servers that listen on
// one (cluster nodes of StartClusterN, servers of StartSentinel); "" for
// the others.
func (s *Server) Addr() string { return s.addr }

// waitUntil is WaitFor with StartTimeout.
func waitUntil(t testing.TB, what string, cond func() (bool, string)) {
	t.Helper()
	WaitFor(t, StartTimeout, what, cond)
}

// WaitFor polls cond every 20 ms until it holds, or fails the test after
// timeout with what cond last reported.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, last := cond()
		if ok {
			return
		}
		select {
		case <-deadline:
			t.Fatalf("%s: not after %v: %s", what, timeout, last)
		case <-tick.C:
		}
	}
}

// do runs one command and fails the test on error.
func do(t testing.TB, c *redis.Client, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	if err := c.Do(ctx, args...).Err(); err != nil {
		t.Fatalf("%v on %s: %v", args, c.Options().Addr, err)
	}
}
