package main

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/samen-bot/samen/store"
)

// redisMode is RedisMode, validated; RedisServer when empty.
func (s StoreConfig) redisMode() store.RedisMode {
	m, _ := store.ParseRedisMode(s.RedisMode)
	return m
}

// validateRedis checks the Redis mode and URL without connecting; every
// message says how to fix the mistake and shows no password.
func (s StoreConfig) validateRedis() []error {
	mode, err := store.ParseRedisMode(s.RedisMode)
	if err != nil {
		return []error{fmt.Errorf("store.redis_mode (or SAMEN_REDIS_MODE) is %q: use server (the default, one Redis server), cluster (a Redis Cluster) or sentinel (a master found through Sentinel)", s.RedisMode)}
	}
	if s.RedisURL == "" {
		if mode != store.RedisServer {
			return []error{fmt.Errorf("store.redis_mode is %s but there is no Redis URL: set SAMEN_REDIS_URL (see config.example.toml for the %s URL's form)", mode, mode)}
		}
		return nil
	}
	if !strings.HasPrefix(s.RedisURL, "redis://") && !strings.HasPrefix(s.RedisURL, "rediss://") && !strings.HasPrefix(s.RedisURL, "unix://") {
		return []error{errors.New("the Redis URL must start with redis://, rediss:// or unix:// (for example redis://localhost:6379/0)")}
	}
	if err := store.CheckRedisURL(mode, s.RedisURL); err != nil {
		return []error{fmt.Errorf("the Redis URL (SAMEN_REDIS_URL or store.redis_url) does not work as a %s URL: %w (config.example.toml shows the forms)", mode, err)}
	}
	return nil
}

// urlHasPassword reports whether a Redis URL carries a password: in its
// userinfo, or as ?password= or ?sentinel_password= (a Sentinel URL gives
// the master's password so).
func urlHasPassword(raw string) bool {
	if raw == "" {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil {
		// Unparsable: it may hold a password; refuse it from the file.
		return strings.Contains(raw, "@") || strings.Contains(raw, "password")
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			return true
		}
	}
	q := u.Query()
	return q.Get("password") != "" || q.Get("sentinel_password") != ""
}
