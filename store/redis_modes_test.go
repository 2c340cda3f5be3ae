package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/store/redistest"
	"github.com/samen-bot/samen/store/storetest"
)

// TestRedisClusterNConformance runs the suite on a cluster of three
// masters, opened from its URL as an operator would: the processes of the
// suite spread over the masters, and every script must find its keys on
// one node.
func TestRedisClusterNConformance(t *testing.T) {
	c := redistest.StartClusterN(t, 3)
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		prefix := newPrefix()
		return storetest.Harness{Open: func(t *testing.T) storetest.Store {
			r, err := OpenRedisMode(t.Context(), RedisCluster, c.URL(), RedisOptions{Prefix: prefix})
			if err != nil {
				t.Fatalf("OpenRedisMode cluster: %v", err)
			}
			if r.ordered {
				t.Fatal("a Cluster store takes its pipelines for ordered")
			}
			return r
		}}
	})
}

// TestRedisSentinelConformance runs the suite through a failover client:
// the store asks the sentinel for the master.
func TestRedisSentinelConformance(t *testing.T) {
	s := redistest.StartSentinel(t, false)
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		prefix := newPrefix()
		return storetest.Harness{Open: func(t *testing.T) storetest.Store {
			r, err := OpenRedisMode(t.Context(), RedisSentinel, s.URL(), RedisOptions{Prefix: prefix})
			if err != nil {
				t.Fatalf("OpenRedisMode sentinel: %v", err)
			}
			if !r.ordered {
				t.Fatal("a Sentinel store (one connection per pipeline) is not ordered")
			}
			return r
		}}
	})
}

// TestOpenRedisModeErrorsHidePasswords: a URL that cannot work says why,
// and no password (in the userinfo or in ?password=) shows.
func TestOpenRedisModeErrorsHidePasswords(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for _, c := range []struct {
		mode RedisMode
		url  string
		want string
	}{
		{RedisSentinel, "redis://:sentinel-pw-1@127.0.0.1:1?password=master-pw-2", "master_name"},
		{RedisSentinel, "redis://:sentinel-pw-1@127.0.0.1:1?master_name=m&password=master-pw-2&dial_timeout=100ms", "ping"},
		{RedisCluster, "unix://:cluster-pw-3@/tmp/x.sock", "invalid URL scheme"},
		{RedisCluster, "redis://:cluster-pw-3@127.0.0.1:1?dial_timeout=100ms&bogus=1", "unexpected option"},
		{RedisCluster, "redis://:cluster-pw-3@127.0.0.1:1?dial_timeout=100ms", "ping"},
		{"ring", "redis://:pw-4@127.0.0.1:1", "server, cluster or sentinel"},
	} {
		_, err := OpenRedisMode(ctx, c.mode, c.url, RedisOptions{})
		if err == nil {
			t.Errorf("%s %s: opened", c.mode, c.url)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: error %q does not say %q", c.mode, msg, c.want)
		}
		for _, pw := range []string{"sentinel-pw-1", "master-pw-2", "cluster-pw-3", "pw-4"} {
			if strings.Contains(msg, pw) {
				t.Errorf("%s: error shows password %s: %s", c.mode, pw, msg)
			}
		}
	}
}

func TestParseRedisMode(t *testing.T) {
	for in, want := range map[string]RedisMode{"": RedisServer, "server": RedisServer, "cluster": RedisCluster, "sentinel": RedisSentinel} {
		if got, err := ParseRedisMode(in); err != nil || got != want {
			t.Errorf("ParseRedisMode(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	if _, err := ParseRedisMode("Cluster"); err == nil {
		t.Error("ParseRedisMode(Cluster) accepted")
	}
}

// TestCheckRedisURL: a URL of the wrong mode gets a hint, without a
// password in it.
func TestCheckRedisURL(t *testing.T) {
	for _, c := range []struct {
		mode      RedisMode
		url, want string
	}{
		{RedisServer, "redis://:pw-5@h:1?addr=h:2", "set the Redis mode to cluster"},
		{RedisServer, "redis://h:1?master_name=m", "sentinel"},
		{RedisCluster, "redis://h:1?master_name=m&password=pw-5", "set the Redis mode to sentinel"},
		{RedisCluster, "unix:///run/redis.sock", "reached over TCP"},
		{RedisSentinel, "redis://h:1?password=pw-5", "master_name"},
		{RedisCluster, "redis://:pw-5@h:1?addr=nonsense", "addr"},
	} {
		err := CheckRedisURL(c.mode, c.url)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckRedisURL(%s, %s) = %v, want it to say %q", c.mode, c.url, err, c.want)
		} else if strings.Contains(err.Error(), "pw-5") {
			t.Errorf("CheckRedisURL(%s, …) shows the password: %v", c.mode, err)
		}
	}
	for _, c := range []struct {
		mode RedisMode
		url  string
	}{
		{RedisServer, "unix:///run/redis.sock"},
		{RedisCluster, "redis://:pw@h:1?addr=h:2&addr=h:3"},
		{RedisSentinel, "redis://:pw@h:26379?master_name=m&addr=h:26380&password=pw2"},
	} {
		if err := CheckRedisURL(c.mode, c.url); err != nil {
			t.Errorf("CheckRedisURL(%s, %s): %v", c.mode, c.url, err)
		}
	}
}
