package redistest_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/samen-bot/samen/store/redistest"
)

func TestStartStopRestart(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	c := srv.NewClient(t)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("set: %v", err)
	}
	if got, err := c.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("get: got %q, %v, want %q", got, err, "v")
	}
	srv.Stop()
	srv.Stop() // stopping twice is fine
	if _, err := os.Stat(srv.Socket()); err == nil {
		t.Fatalf("socket %s still there after Stop", srv.Socket())
	}
	srv.Restart()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("ping after Restart: %v", err)
	}
	// Without persistence, the data is gone after a restart.
	if n, err := c.Exists(ctx, "k").Result(); err != nil || n != 0 {
		t.Fatalf("exists after restart: got %d, %v, want 0", n, err)
	}
}

func TestAppendOnlySurvivesRestart(t *testing.T) {
	srv := redistest.StartWith(t, "--appendonly", "yes", "--appendfsync", "always")
	ctx := context.Background()
	c := srv.NewClient(t)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("set: %v", err)
	}
	srv.Restart()
	if got, err := c.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("get after restart: got %q, %v, want %q", got, err, "v")
	}
}

func TestCluster(t *testing.T) {
	srv := redistest.StartCluster(t)
	ctx := context.Background()
	c := srv.NewClusterClient(t)
	if err := c.Set(ctx, "a{x}", "1", 0).Err(); err != nil {
		t.Fatalf("set: %v", err)
	}
	err := c.Eval(ctx, "return redis.call('GET', KEYS[1])", []string{"a", "b"}).Err()
	if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Fatalf("cross-slot script: got %v, want a CROSSSLOT error", err)
	}
	v, err := c.Eval(ctx, "return redis.call('GET', KEYS[1])", []string{"a{x}", "b{x}"}).Result()
	if err != nil || v != "1" {
		t.Fatalf("same-slot script: got %v, %v, want 1", v, err)
	}
}

func TestKillThenRestartKeepsFsyncedWrites(t *testing.T) {
	srv := redistest.StartWith(t, "--appendonly", "yes", "--appendfsync", "always")
	ctx := context.Background()
	c := srv.NewClient(t)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("set: %v", err)
	}
	srv.Kill()
	srv.Kill() // killing twice is fine
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("ping answered after Kill")
	}
	srv.Restart()
	if got, err := c.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("get after kill and restart: got %q, %v, want %q", got, err, "v")
	}
}
