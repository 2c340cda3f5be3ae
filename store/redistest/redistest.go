// Package redistest runs a real redis-server for tests, on a unix socket in
// the test's temporary directory, without persistence unless asked.
//
//	srv := redistest.Start(t)
//	client := srv.NewClient(t)
//
// If redis-server is not on PATH, Start skips the test, except under CI
// (CI=true), where it fails: CI must test against a real server.
package redistest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// StartTimeout bounds how long Start waits for the server to answer, and
// Stop for it to exit.
const StartTimeout = 10 * time.Second

// Server is a redis-server child process.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	sock string
	args []string
	// pre goes before the default arguments (a sentinel's config file must
	// be redis-server's first argument).
	pre []string
	// addr is the TCP address (127.0.0.1:port) of a server given a port.
	addr string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	log  *syncWriter   // the server's output, for failure messages
}

// Start runs a redis-server for the test and stops it at cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t)
}

// StartWith is Start with extra redis-server arguments, appended after the
// defaults (so they override them), for example "--appendonly", "yes".
// The defaults: no TCP port, a unix socket (mode 700) and the data directory
// in a temporary directory, no RDB snapshots, no AOF.
func StartWith(t testing.TB, args ...string) *Server {
	t.Helper()
	s := &Server{t: t, bin: lookPath(t), dir: tempDir(t), args: args}
	s.sock = filepath.Join(s.dir, "redis.sock")
	t.Cleanup(s.Stop)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	return s
}

// lookPath finds redis-server, or skips (fails under CI) the test.
func lookPath(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "redis-server not found on PATH; install it with apt-get install redis-server"
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI requires redis-server: %s (%v)", msg, err)
		}
		t.Skip(msg)
	}
	return bin
}

// tempDir is t.TempDir, unless its path is too long for a unix socket
// (about 100 bytes), then a shorter one under /tmp.
func tempDir(t testing.TB) string {
	dir := t.TempDir()
	if len(dir) < 90 {
		return dir
	}
	dir, err := os.MkdirTemp("/tmp", "redis")
	if err != nil {
		t.Fatalf("create directory for redis-server: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// Socket is the server's unix socket path.
func (s *Server) Socket() string { return s.sock }

// URL is the server's address as a go-redis URL (unix://…).
func (s *Server) URL() string { return "unix://" + s.sock }

// Dir is the server's data directory (for AOF and RDB files).
func (s *Server) Dir() string { return s.dir }

// NewClient returns a client of the server, closed at the test's cleanup.
func (s *Server) NewClient(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(s.options())
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func (s *Server) options() *redis.Options {
	return &redis.Options{
		Network:               "unix",
		Addr:                  s.sock,
		ContextTimeoutEnabled: true,
	}
}

// start starts the server and waits until it answers.
func (s *Server) start() error {
	args := append(append([]string(nil), s.pre...),
		"--port", "0",
		"--unixsocket", s.sock,
		"--unixsocketperm", "700",
		"--save", "",
		"--appendonly", "no",
		"--dir", s.dir,
	)
	args = append(args, s.args...)
	log := &syncWriter{}
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout = log
	cmd.Stderr = log
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.mu.Lock()
	s.cmd, s.done, s.log = cmd, done, log
	s.mu.Unlock()
	if err := s.waitReady(done); err != nil {
		s.kill()
		return fmt.Errorf("redis-server did not start: %w\n%s", err, s.output())
	}
	return nil
}

// waitReady polls PING until the server answers, exits, or StartTimeout
// passes.
func (s *Server) waitReady(done <-chan struct{}) error {
	opts := s.options()
	opts.DialTimeout = 200 * time.Millisecond
	opts.MaxRetries = -1
	c := redis.NewClient(opts)
	defer c.Close()
	deadline := time.After(StartTimeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		// Dial only once the socket exists: go-redis logs failed dials.
		if _, err := os.Stat(s.sock); err != nil {
			last = err
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			last = c.Ping(ctx).Err()
			cancel()
			if last == nil || redis.HasErrorPrefix(last, "NOAUTH") {
				return nil
			}
		}
		select {
		case <-done:
			return errors.New("redis-server exited")
		case <-deadline:
			return fmt.Errorf("no answer after %v: %w", StartTimeout, last)
		case <-tick.C:
		}
	}
}

// Stop stops the server (SIGTERM, then SIGKILL if it takes longer than
// StartTimeout) and waits for it to exit. Stopping a stopped server does
// nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(StartTimeout):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Kill kills the server with SIGKILL, as a crash would, and waits for it to
// exit: it writes nothing more, not even what it had not yet written to its
// append-only file. Restart starts it again on the same data directory.
// Killing a stopped server does nothing.
func (s *Server) Kill() { s.kill() }

// kill stops the server at once.
func (s *Server) kill() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd != nil {
		_ = cmd.Process.Kill()
		<-done
	}
}

// Restart stops the server (SIGTERM: a graceful shutdown, which writes and
// syncs the append-only file) and starts it again on the same socket and data
// directory, with the same arguments (with AOF enabled, the data survives).
// After Kill or Stop it only starts it again.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatal(err)
	}
}

// output returns what the server printed.
func (s *Server) output() string {
	s.mu.Lock()
	log := s.log
	s.mu.Unlock()
	if log == nil {
		return ""
	}
	return log.String()
}

// syncWriter collects the server's output; exec copies it from a goroutine.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
