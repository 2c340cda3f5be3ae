package store

import (
	"bytes"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// purgeBudget bounds the expired entries one write transaction removes, so
// that a backlog never makes one Append slow.
const purgeBudget = 32

// purgeExpired removes up to purgeBudget expired idempotency keys and as many
// expired temporary values. Both are ordered by expiry, so the work is
// bounded and starts with the oldest.
func purgeExpired(tx *bbolt.Tx, now time.Time) error {
	if err := purgeIdem(tx, now); err != nil {
		return fmt.Errorf("purge idempotency keys: %w", err)
	}
	if err := purgeTemp(tx, now); err != nil {
		return fmt.Errorf("purge temporary values: %w", err)
	}
	return nil
}

// expiredKeys lists up to purgeBudget keys of an expiry-ordered bucket whose
// first 8 bytes (unix ns) are at or before now.
func expiredKeys(b *bbolt.Bucket, now time.Time) [][]byte {
	limit := be64(unixNanos(now))
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil && len(keys) < purgeBudget; k, _ = c.Next() {
		if len(k) < 8 || bytes.Compare(k[:8], limit) > 0 {
			break
		}
		keys = append(keys, clone(k))
	}
	return keys
}

func purgeIdem(tx *bbolt.Tx, now time.Time) error {
	exp := tx.Bucket(bIdemExp)
	for _, k := range expiredKeys(exp, now) {
		if p, key, ok := parseIdemExpKey(k); ok {
			if pb := procBucket(tx, p); pb != nil {
				idem := pb.Bucket(bIdem)
				// Delete the record only if it is the one this entry indexes.
				if raw := idem.Get([]byte(key)); len(raw) >= 8 && bytes.Equal(raw[:8], k[:8]) {
					if err := idem.Delete([]byte(key)); err != nil {
						return err
					}
				}
			}
		}
		if err := exp.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func purgeTemp(tx *bbolt.Tx, now time.Time) error {
	exp, temp := tx.Bucket(bTempExp), tx.Bucket(bTemp)
	for _, k := range expiredKeys(exp, now) {
		key := k[8:]
		if raw := temp.Get(key); len(raw) >= 8 && bytes.Equal(raw[:8], k[:8]) {
			if err := temp.Delete(key); err != nil {
				return err
			}
		}
		if err := exp.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
