package store

import (
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/samen-bot/samen/flows"
)

// PutTemp stores value under key until ttl has passed on the store's clock.
// Expired values are purged a few at a time by later write transactions.
func (b *Bolt) PutTemp(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := checkKey("temp key", key); err != nil {
		return fmt.Errorf("put temp: %w", err)
	}
	if ttl <= 0 {
		return fmt.Errorf("put temp %s: ttl %v must be positive", key, ttl)
	}
	return b.update(ctx, "put temp "+key, func(tx *bbolt.Tx) error {
		if err := deleteTemp(tx, key); err != nil {
			return err
		}
		exp := be64(unixNanos(b.now().Add(ttl)))
		if err := tx.Bucket(bTemp).Put([]byte(key), append(exp, value...)); err != nil {
			return err
		}
		return tx.Bucket(bTempExp).Put(append(exp, key...), []byte{})
	})
}

// AddTemp stores value under key unless a value that has not expired is
// there, in one transaction, and reports whether it stored.
func (b *Bolt) AddTemp(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := checkKey("temp key", key); err != nil {
		return false, fmt.Errorf("add temp: %w", err)
	}
	if ttl <= 0 {
		return false, fmt.Errorf("add temp %s: ttl %v must be positive", key, ttl)
	}
	added := false
	err := b.update(ctx, "add temp "+key, func(tx *bbolt.Tx) error {
		added = false // a retried transaction starts over
		raw := tx.Bucket(bTemp).Get([]byte(key))
		if len(raw) >= 8 && time.Unix(0, int64(be64dec(raw))).After(b.now()) {
			return nil
		}
		if err := deleteTemp(tx, key); err != nil {
			return err
		}
		exp := be64(unixNanos(b.now().Add(ttl)))
		if err := tx.Bucket(bTemp).Put([]byte(key), append(exp, value...)); err != nil {
			return err
		}
		added = true
		return tx.Bucket(bTempExp).Put(append(exp, key...), []byte{})
	})
	return added, err
}

// Temp returns the value under key, or flows.ErrNotFound if it is missing or
// expired.
func (b *Bolt) Temp(ctx context.Context, key string) ([]byte, error) {
	var value []byte
	err := b.view(ctx, "read temp "+key, func(tx *bbolt.Tx) error {
		raw := tx.Bucket(bTemp).Get([]byte(key))
		if len(raw) < 8 || !time.Unix(0, int64(be64dec(raw))).After(b.now()) {
			return flows.ErrNotFound
		}
		value = append([]byte{}, raw[8:]...)
		return nil
	})
	return value, err
}

// DeleteTemp removes a temporary value; a missing key is not an error.
func (b *Bolt) DeleteTemp(ctx context.Context, key string) error {
	if err := checkKey("temp key", key); err != nil {
		return fmt.Errorf("delete temp: %w", err)
	}
	return b.update(ctx, "delete temp "+key, func(tx *bbolt.Tx) error {
		return deleteTemp(tx, key)
	})
}

// deleteTemp removes key and its expiry entry.
func deleteTemp(tx *bbolt.Tx, key string) error {
	temp := tx.Bucket(bTemp)
	raw := temp.Get([]byte(key))
	if len(raw) < 8 {
		return nil
	}
	expKey := append(clone(raw[:8]), key...)
	if err := tx.Bucket(bTempExp).Delete(expKey); err != nil {
		return err
	}
	return temp.Delete([]byte(key))
}
