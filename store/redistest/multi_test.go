package redistest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/samen-bot/samen/store/redistest"
)

func TestClusterN(t *testing.T) {
	c := redistest.StartClusterN(t, 3)
	ctx := context.Background()
	cc := c.NewClient(t)
	// Keys with many hash tags land on all three masters.
	for i := range 30 {
		if err := cc.Set(ctx, fmt.Sprintf("k{%d}", i), "v", 0).Err(); err != nil {
			t.Fatalf("set: %v", err)
		}
	}
	for i, n := range c.Nodes {
		size, err := n.NewClient(t).DBSize(ctx).Result()
		if err != nil || size == 0 {
			t.Errorf("node %d holds %d keys (%v), want some", i, size, err)
		}
	}
	opts, err := redis.ParseClusterURL(c.URL())
	if err != nil || len(opts.Addrs) != 3 {
		t.Fatalf("URL %s: %v, %v", c.URL(), opts, err)
	}
}

func TestSentinel(t *testing.T) {
	s := redistest.StartSentinel(t, false)
	ctx := context.Background()
	c := s.NewClient(t)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("set through the sentinel: %v", err)
	}
	if got, err := s.Master.NewClient(t).Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("get on the master: %q, %v", got, err)
	}
	if !strings.Contains(s.URL(), "master_name="+redistest.SentinelMaster) {
		t.Fatalf("URL %s names no master", s.URL())
	}
}
