package store

import (
	"context"
	"time"

	"go.etcd.io/bbolt"
)

// bLease holds leases: name → 8-byte expiry (unix ns, the store's clock)
// and the holder. It is created on first use.
var bLease = []byte("lease")

// Lease takes the lease name for holder for ttl if it is free (or expired
// on the store's clock), or renews it if holder holds it, in one
// transaction, and reports whether holder holds it now. A bbolt file is
// open in one process only, so here a lease only orders the goroutines of
// that process; the contract is the same as on Redis.
func (b *Bolt) Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if _, err := leaseArgs(name, holder, ttl); err != nil {
		return false, err
	}
	held := false
	err := b.update(ctx, "lease "+name, func(tx *bbolt.Tx) error {
		held = false // a retried transaction starts over
		bucket, err := tx.CreateBucketIfNotExists(bLease)
		if err != nil {
			return err
		}
		now := b.now()
		raw := bucket.Get([]byte(name))
		if len(raw) >= 8 && string(raw[8:]) != holder && time.Unix(0, int64(be64dec(raw))).After(now) {
			return nil
		}
		held = true
		return bucket.Put([]byte(name), append(be64(unixNanos(now.Add(ttl))), holder...))
	})
	return held, err
}

// ReleaseLease frees the lease name if holder holds it.
func (b *Bolt) ReleaseLease(ctx context.Context, name, holder string) error {
	if err := checkLease(name, holder); err != nil {
		return err
	}
	return b.update(ctx, "release lease "+name, func(tx *bbolt.Tx) error {
		bucket := tx.Bucket(bLease)
		if bucket == nil {
			return nil
		}
		raw := bucket.Get([]byte(name))
		if len(raw) < 8 || string(raw[8:]) != holder {
			return nil
		}
		return bucket.Delete([]byte(name))
	})
}
