package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/samen-bot/samen/flows"
)

// Load reads the version, the snapshot and the events after it in one
// script, so they are consistent with each other.
func (r *Redis) Load(ctx context.Context, p string) (flows.History, error) {
	if err := checkProcess(p); err != nil {
		return flows.History{}, fmt.Errorf("load %s: %w", p, err)
	}
	keys := []string{r.pkey(p, "v"), r.pkey(p, "snap"), r.pkey(p, "log")}
	v, err := loadScript.Run(ctx, r.client, keys).Result()
	if err != nil {
		return flows.History{}, fmt.Errorf("load %s: %w", p, err)
	}
	h, err := parseLoadReply(v)
	if err != nil {
		return flows.History{}, fmt.Errorf("load %s: %w", p, err)
	}
	return h, nil
}

func parseLoadReply(v any) (flows.History, error) {
	a, ok := v.([]any)
	if !ok {
		return flows.History{}, fmt.Errorf("unexpected script reply %T", v)
	}
	if len(a) == 0 {
		return flows.History{}, flows.ErrNotFound
	}
	if len(a) != 5 {
		return flows.History{}, fmt.Errorf("unexpected script reply of %d items", len(a))
	}
	var h flows.History
	var err error
	if h.Version, err = intReply(a[0]); err != nil {
		return flows.History{}, fmt.Errorf("version: %w", err)
	}
	if has, _ := a[1].(int64); has == 1 {
		if h.SnapshotVersion, err = intReply(a[2]); err != nil {
			return flows.History{}, fmt.Errorf("snapshot version: %w", err)
		}
		data, ok := a[3].(string)
		if !ok {
			return flows.History{}, fmt.Errorf("unexpected snapshot %T", a[3])
		}
		h.Snapshot = []byte(data)
	}
	if h.Events, err = bytesList(a[4]); err != nil {
		return flows.History{}, fmt.Errorf("events: %w", err)
	}
	return h, nil
}

// intReply reads a number the script returned as a string or an integer.
func intReply(v any) (int64, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case string:
		return strconv.ParseInt(v, 10, 64)
	}
	return 0, fmt.Errorf("unexpected number %T", v)
}

func bytesList(v any) ([][]byte, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("unexpected list %T", v)
	}
	out := make([][]byte, len(a))
	for i, e := range a {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("unexpected item %T", e)
		}
		out[i] = []byte(s)
	}
	return out, nil
}

// ReadLog returns up to limit events from version from (1-based) on.
func (r *Redis) ReadLog(ctx context.Context, p string, from int64, limit int) ([][]byte, error) {
	if err := checkReadLog(p, from, limit); err != nil {
		return nil, fmt.Errorf("read log of %s: %w", p, err)
	}
	items, err := r.client.LRange(ctx, r.pkey(p, "log"), from-1, from-1+int64(limit)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("read log of %s: %w", p, err)
	}
	events := make([][]byte, len(items))
	for i, s := range items {
		events[i] = []byte(s)
	}
	return events, nil
}

// Processes lists the members of the processes hint that do have a commit.
func (r *Redis) Processes(ctx context.Context) ([]string, error) {
	members, err := r.scanSet(ctx, r.gkey("processes"))
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	ps := []string{}
	const batch = 500
	for len(members) > 0 {
		n := min(batch, len(members))
		pipe := r.client.Pipeline()
		exists := make([]*redis.IntCmd, n)
		for i, p := range members[:n] {
			exists[i] = pipe.Exists(ctx, r.pkey(p, "v"))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("list processes: %w", err)
		}
		for i, p := range members[:n] {
			if exists[i].Val() == 1 {
				ps = append(ps, p)
			}
		}
		members = members[n:]
	}
	return ps, nil
}

// scanSet reads a whole set with SSCAN, so that a big one does not block
// the server.
func (r *Redis) scanSet(ctx context.Context, key string) ([]string, error) {
	var members []string
	iter := r.client.SScan(ctx, key, 0, "", 1000).Iterator()
	for iter.Next(ctx) {
		members = append(members, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return nil, err
	}
	return members, nil
}
