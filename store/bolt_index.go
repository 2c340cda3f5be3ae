package store

import (
	"context"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/samen-bot/samen/flows"
)

// SetIndex stores value under key.
func (b *Bolt) SetIndex(ctx context.Context, key, value string) error {
	if err := checkKey("index key", key); err != nil {
		return fmt.Errorf("set index: %w", err)
	}
	return b.update(ctx, "set index "+key, func(tx *bbolt.Tx) error {
		return tx.Bucket(bIndex).Put([]byte(key), []byte(value))
	})
}

// Index returns the value under key, or flows.ErrNotFound.
func (b *Bolt) Index(ctx context.Context, key string) (string, error) {
	var value string
	err := b.view(ctx, "read index "+key, func(tx *bbolt.Tx) error {
		v := tx.Bucket(bIndex).Get([]byte(key))
		if v == nil {
			return flows.ErrNotFound
		}
		value = string(v)
		return nil
	})
	return value, err
}

// DeleteIndex removes key; a missing key is not an error.
func (b *Bolt) DeleteIndex(ctx context.Context, key string) error {
	if err := checkKey("index key", key); err != nil {
		return fmt.Errorf("delete index: %w", err)
	}
	return b.update(ctx, "delete index "+key, func(tx *bbolt.Tx) error {
		return tx.Bucket(bIndex).Delete([]byte(key))
	})
}

// AddToSet adds member to the set under key.
func (b *Bolt) AddToSet(ctx context.Context, key, member string) error {
	if err := checkSet(key, member); err != nil {
		return fmt.Errorf("add to set: %w", err)
	}
	return b.update(ctx, "add to set "+key, func(tx *bbolt.Tx) error {
		set, err := tx.Bucket(bSets).CreateBucketIfNotExists([]byte(key))
		if err != nil {
			return err
		}
		return set.Put([]byte(member), []byte{})
	})
}

// RemoveFromSet removes member from the set under key; an emptied set is
// dropped.
func (b *Bolt) RemoveFromSet(ctx context.Context, key, member string) error {
	if err := checkSet(key, member); err != nil {
		return fmt.Errorf("remove from set: %w", err)
	}
	return b.update(ctx, "remove from set "+key, func(tx *bbolt.Tx) error {
		sets := tx.Bucket(bSets)
		set := sets.Bucket([]byte(key))
		if set == nil {
			return nil
		}
		if err := set.Delete([]byte(member)); err != nil {
			return err
		}
		if k, _ := set.Cursor().First(); k == nil {
			return sets.DeleteBucket([]byte(key))
		}
		return nil
	})
}

// SetMembers returns the members of the set under key in byte order.
func (b *Bolt) SetMembers(ctx context.Context, key string) ([]string, error) {
	members := []string{}
	err := b.view(ctx, "read set "+key, func(tx *bbolt.Tx) error {
		set := tx.Bucket(bSets).Bucket([]byte(key))
		if set == nil {
			return nil
		}
		return set.ForEach(func(k, _ []byte) error {
			members = append(members, string(k))
			return nil
		})
	})
	return members, err
}

func checkSet(key, member string) error {
	if err := checkKey("set key", key); err != nil {
		return err
	}
	return checkKey("set member", member)
}

// update runs fn in a write transaction that also purges some expired
// entries, and wraps an error with what.
func (b *Bolt) update(ctx context.Context, what string, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	err := b.db.Update(func(tx *bbolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return purgeExpired(tx, b.now())
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// view runs fn in a read transaction and wraps an error with what.
func (b *Bolt) view(ctx context.Context, what string, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := b.db.View(fn); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
