package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/samen-bot/samen/flows"
)

// SetIndex stores value under key (samen:idx:<key>).
func (r *Redis) SetIndex(ctx context.Context, key, value string) error {
	if err := checkKey("index key", key); err != nil {
		return fmt.Errorf("set index: %w", err)
	}
	if err := r.client.Set(ctx, r.gkey("idx:"+key), value, 0).Err(); err != nil {
		return fmt.Errorf("set index %s: %w", key, err)
	}
	return nil
}

// Index returns the value under key, or flows.ErrNotFound.
func (r *Redis) Index(ctx context.Context, key string) (string, error) {
	v, err := r.client.Get(ctx, r.gkey("idx:"+key)).Result()
	if isNil(err) {
		err = flows.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("read index %s: %w", key, err)
	}
	return v, nil
}

// DeleteIndex removes key; a missing key is not an error.
func (r *Redis) DeleteIndex(ctx context.Context, key string) error {
	if err := checkKey("index key", key); err != nil {
		return fmt.Errorf("delete index: %w", err)
	}
	if err := r.client.Del(ctx, r.gkey("idx:"+key)).Err(); err != nil {
		return fmt.Errorf("delete index %s: %w", key, err)
	}
	return nil
}

// AddToSet adds member to the set under key (samen:set:<key>).
func (r *Redis) AddToSet(ctx context.Context, key, member string) error {
	if err := checkSet(key, member); err != nil {
		return fmt.Errorf("add to set: %w", err)
	}
	if err := r.client.SAdd(ctx, r.gkey("set:"+key), member).Err(); err != nil {
		return fmt.Errorf("add to set %s: %w", key, err)
	}
	return nil
}

// RemoveFromSet removes member from the set under key.
func (r *Redis) RemoveFromSet(ctx context.Context, key, member string) error {
	if err := checkSet(key, member); err != nil {
		return fmt.Errorf("remove from set: %w", err)
	}
	if err := r.client.SRem(ctx, r.gkey("set:"+key), member).Err(); err != nil {
		return fmt.Errorf("remove from set %s: %w", key, err)
	}
	return nil
}

// SetMembers returns the members of the set under key, sorted.
func (r *Redis) SetMembers(ctx context.Context, key string) ([]string, error) {
	members, err := r.scanSet(ctx, r.gkey("set:"+key))
	if err != nil {
		return nil, fmt.Errorf("read set %s: %w", key, err)
	}
	if members == nil {
		members = []string{}
	}
	slices.Sort(members)
	return slices.Compact(members), nil
}

// PutTemp stores value under key (samen:tmp:<key>) for ttl, rounded up to a
// millisecond; Redis expires it.
func (r *Redis) PutTemp(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := checkKey("temp key", key); err != nil {
		return fmt.Errorf("put temp: %w", err)
	}
	if ttl <= 0 {
		return fmt.Errorf("put temp %s: ttl %v must be positive", key, ttl)
	}
	if rest := ttl % time.Millisecond; rest != 0 {
		ttl += time.Millisecond - rest
	}
	if err := r.client.Set(ctx, r.gkey("tmp:"+key), bytesArg(value), ttl).Err(); err != nil {
		return fmt.Errorf("put temp %s: %w", key, err)
	}
	return nil
}

// Temp returns a value stored with PutTemp, or flows.ErrNotFound.
func (r *Redis) Temp(ctx context.Context, key string) ([]byte, error) {
	v, err := r.client.Get(ctx, r.gkey("tmp:"+key)).Bytes()
	if isNil(err) {
		err = flows.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read temp %s: %w", key, err)
	}
	return v, nil
}

// AddTemp stores value under key unless it holds one (SET NX), and
// reports whether it stored.
func (r *Redis) AddTemp(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := checkKey("temp key", key); err != nil {
		return false, fmt.Errorf("add temp: %w", err)
	}
	if ttl <= 0 {
		return false, fmt.Errorf("add temp %s: ttl %v must be positive", key, ttl)
	}
	if rest := ttl % time.Millisecond; rest != 0 {
		ttl += time.Millisecond - rest
	}
	added, err := r.client.SetNX(ctx, r.gkey("tmp:"+key), bytesArg(value), ttl).Result()
	if err != nil {
		return false, fmt.Errorf("add temp %s: %w", key, err)
	}
	return added, nil
}

// DeleteTemp removes a temporary value; a missing key is not an error.
func (r *Redis) DeleteTemp(ctx context.Context, key string) error {
	if err := checkKey("temp key", key); err != nil {
		return fmt.Errorf("delete temp: %w", err)
	}
	if err := r.client.Del(ctx, r.gkey("tmp:"+key)).Err(); err != nil {
		return fmt.Errorf("delete temp %s: %w", key, err)
	}
	return nil
}
