package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
)

// RedisMode says what a Redis URL points at, and so how it is read.
type RedisMode string

// The Redis modes. Each reads the URL with go-redis's own parser for it.
const (
	// RedisServer is one server: redis://, rediss:// or unix:// as
	// [redis.ParseURL] reads them.
	RedisServer RedisMode = "server"
	// RedisCluster is a Redis Cluster: redis://[:password@]host:port with
	// more seed nodes as ?addr=host:port&addr=…, as [redis.ParseClusterURL]
	// reads it. Every key a commit touches is under the process's hash tag,
	// so each script runs on one node.
	RedisCluster RedisMode = "cluster"
	// RedisSentinel is a master managed by Sentinel:
	// redis://[:sentinel-password@]sentinel-host:port?master_name=NAME with
	// more sentinels as &addr=host:port and the master's own password as
	// &password=…, as [redis.ParseFailoverURL] reads it. The client asks
	// the sentinels for the current master and follows failovers.
	RedisSentinel RedisMode = "sentinel"
)

// ParseRedisMode reads a mode name; "" is RedisServer.
func ParseRedisMode(s string) (RedisMode, error) {
	switch m := RedisMode(s); m {
	case "", RedisServer:
		return RedisServer, nil
	case RedisCluster, RedisSentinel:
		return m, nil
	}
	return "", fmt.Errorf("unknown Redis mode %q: use server, cluster or sentinel", s)
}

// OpenRedis connects to the one Redis server at url (see [RedisServer]),
// checks that it answers and loads the scripts. Errors never show a
// password from url.
func OpenRedis(ctx context.Context, url string, opts RedisOptions) (*Redis, error) {
	return OpenRedisMode(ctx, RedisServer, url, opts)
}

// OpenRedisMode is OpenRedis for a server, a Cluster or a Sentinel-managed
// master, as mode says how to read url. It checks that Redis answers (on a
// Cluster: every master) and loads the scripts (on a Cluster: on every
// master). Close closes the client. Errors never show a password from url.
func OpenRedisMode(ctx context.Context, mode RedisMode, url string, opts RedisOptions) (*Redis, error) {
	if err := checkPrefix(opts.Prefix); err != nil {
		return nil, fmt.Errorf("open redis %s: %w", redactURL(url), err)
	}
	client, err := newUniversalClient(mode, url)
	if err != nil {
		return nil, openError(url, "", err)
	}
	r := NewRedis(client, opts)
	r.owner = true
	if err := pingAll(ctx, client); err != nil {
		_ = client.Close()
		return nil, openError(url, "ping", err)
	}
	// ClusterClient.ScriptLoad loads on every shard.
	for _, s := range allScripts {
		if err := s.Load(ctx, client).Err(); err != nil {
			_ = client.Close()
			return nil, openError(url, "load scripts", err)
		}
	}
	return r, nil
}

// CheckRedisURL reads url as mode says, without connecting: the mistakes
// OpenRedisMode would find before it connects, with a hint when the URL
// reads like another mode's. Its errors never show a password from url.
func CheckRedisURL(mode RedisMode, url string) error {
	if _, err := parseRedisURL(mode, url); err != nil {
		return redactError(url, err)
	}
	return nil
}

// newUniversalClient parses url as mode says and builds its client.
func newUniversalClient(mode RedisMode, url string) (redis.UniversalClient, error) {
	newClient, err := parseRedisURL(mode, url)
	if err != nil {
		return nil, err
	}
	return newClient(), nil
}

// parseRedisURL parses url as mode says; the function it returns builds
// the client.
func parseRedisURL(mode RedisMode, raw string) (func() redis.UniversalClient, error) {
	q := url.Values{}
	if u, err := url.Parse(raw); err == nil {
		q = u.Query()
	}
	tcpOnly := func(err error) error {
		if strings.HasPrefix(raw, "unix:") {
			return fmt.Errorf("%w (a %s is reached over TCP: use redis:// or rediss://)", err, mode)
		}
		return err
	}
	switch mode {
	case "", RedisServer:
		if q.Has("addr") || q.Has("master_name") {
			return nil, errors.New("the URL has addr= or master_name=, which name several nodes: set the Redis mode to cluster (addr=) or sentinel (master_name=)")
		}
		o, err := redis.ParseURL(raw)
		if err != nil {
			return nil, parseError(err)
		}
		o.ContextTimeoutEnabled = true
		return func() redis.UniversalClient { return redis.NewClient(o) }, nil
	case RedisCluster:
		if q.Has("master_name") {
			return nil, errors.New("the URL has master_name=, which names a Sentinel-managed master: set the Redis mode to sentinel, or drop it")
		}
		o, err := redis.ParseClusterURL(raw)
		if err != nil {
			return nil, tcpOnly(parseError(err))
		}
		o.ContextTimeoutEnabled = true
		return func() redis.UniversalClient { return redis.NewClusterClient(o) }, nil
	case RedisSentinel:
		o, err := redis.ParseFailoverURL(raw)
		if err != nil {
			return nil, tcpOnly(parseError(err))
		}
		if o.MasterName == "" {
			return nil, errors.New("a Sentinel URL needs ?master_name=<the name the sentinels monitor>")
		}
		o.ContextTimeoutEnabled = true
		return func() redis.UniversalClient { return redis.NewFailoverClient(o) }, nil
	}
	return nil, fmt.Errorf("unknown Redis mode %q: use server, cluster or sentinel", mode)
}

// pingAll pings the server, or a Cluster: its state must be ok and every
// master must answer (a Cluster missing a master would fail later, on some
// processes only).
func pingAll(ctx context.Context, client redis.UniversalClient) error {
	cc, ok := client.(*redis.ClusterClient)
	if !ok {
		return client.Ping(ctx).Err()
	}
	if err := cc.Ping(ctx).Err(); err != nil {
		return err
	}
	info, err := cc.ClusterInfo(ctx).Result()
	if err != nil {
		return fmt.Errorf("cluster info: %w", err)
	}
	if !strings.Contains(info, "cluster_state:ok") {
		return errors.New("the cluster's state is not ok (CLUSTER INFO): are all slots assigned and all masters up?")
	}
	return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		if err := c.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("master %s: %w", c.Options().Addr, err)
		}
		return nil
	})
}
