package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Dump calls fn for every key under the prefix, in key order, with its value
// rendered by type: a string as it is; a list one item per line; a hash
// "field=value" lines sorted by field; a set its members sorted, one per
// line; a zset "member score" lines in score order. Values are raw bytes,
// so binary data shows as it is. A key that expires during the dump is
// skipped.
func (r *Redis) Dump(ctx context.Context, fn func(key string, value []byte) error) error {
	keys, err := r.scanKeys(ctx, globEscape(r.prefix)+":*")
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	for _, k := range keys {
		v, ok, err := r.render(ctx, k)
		if err != nil {
			return fmt.Errorf("dump %s: %w", k, err)
		}
		if !ok {
			continue
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// scanKeys SCANs every key matching pattern, on every master of a Cluster.
func (r *Redis) scanKeys(ctx context.Context, pattern string) ([]string, error) {
	scan := func(ctx context.Context, c redis.Cmdable) ([]string, error) {
		var keys []string
		iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		return keys, iter.Err()
	}
	cc, ok := r.client.(*redis.ClusterClient)
	if !ok {
		return scan(ctx, r.client)
	}
	var (
		mu   sync.Mutex
		keys []string
	)
	err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		ks, err := scan(ctx, c)
		mu.Lock()
		keys = append(keys, ks...)
		mu.Unlock()
		return err
	})
	return keys, err
}

func (r *Redis) render(ctx context.Context, key string) ([]byte, bool, error) {
	typ, err := r.client.Type(ctx, key).Result()
	if err != nil {
		return nil, false, err
	}
	var buf bytes.Buffer
	line := func(parts ...string) {
		if buf.Len() > 0 {
			buf.WriteByte('\n')
		}
		for _, p := range parts {
			buf.WriteString(p)
		}
	}
	switch typ {
	case "none":
		return nil, false, nil
	case "string":
		v, err := r.client.Get(ctx, key).Bytes()
		if isNil(err) {
			return nil, false, nil
		}
		return v, err == nil, err
	case "list":
		items, err := r.client.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			return nil, false, err
		}
		for _, it := range items {
			line(it)
		}
	case "hash":
		h, err := r.client.HGetAll(ctx, key).Result()
		if err != nil {
			return nil, false, err
		}
		fields := make([]string, 0, len(h))
		for f := range h {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			line(f, "=", h[f])
		}
	case "set":
		members, err := r.scanSet(ctx, key)
		if err != nil {
			return nil, false, err
		}
		slices.Sort(members)
		for _, m := range slices.Compact(members) {
			line(m)
		}
	case "zset":
		zs, err := r.client.ZRangeWithScores(ctx, key, 0, -1).Result()
		if err != nil {
			return nil, false, err
		}
		for _, z := range zs {
			line(fmt.Sprint(z.Member), " ", strconv.FormatFloat(z.Score, 'f', -1, 64))
		}
	default:
		line("(", typ, ")")
	}
	return buf.Bytes(), true, nil
}

// globEscape escapes the characters SCAN's MATCH treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
