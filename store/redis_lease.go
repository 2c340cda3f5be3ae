package store

import (
	"context"
	"fmt"
	"time"
)

// Lease takes the lease name for holder for ttl (rounded up to a
// millisecond) if it is free, or renews it if holder holds it, in one Lua
// script (samen:lease:<name>, SET … PX), and reports whether holder holds
// it now.
func (r *Redis) Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	ms, err := leaseArgs(name, holder, ttl)
	if err != nil {
		return false, err
	}
	n, err := leaseScript.Run(ctx, r.client, []string{r.gkey("lease:" + name)}, holder, ms).Int()
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease frees the lease name if holder holds it (compare and
// delete, in one Lua script); otherwise it does nothing.
func (r *Redis) ReleaseLease(ctx context.Context, name, holder string) error {
	if err := checkLease(name, holder); err != nil {
		return err
	}
	if err := releaseScript.Run(ctx, r.client, []string{r.gkey("lease:" + name)}, holder).Err(); err != nil {
		return fmt.Errorf("release lease %s: %w", name, err)
	}
	return nil
}

func checkLease(name, holder string) error {
	if err := checkKey("lease name", name); err != nil {
		return fmt.Errorf("lease: %w", err)
	}
	if err := checkKey("lease holder", holder); err != nil {
		return fmt.Errorf("lease %s: %w", name, err)
	}
	return nil
}

// leaseArgs checks a lease's arguments and returns its ttl in whole
// milliseconds, rounded up.
func leaseArgs(name, holder string, ttl time.Duration) (int64, error) {
	if err := checkLease(name, holder); err != nil {
		return 0, err
	}
	if ttl <= 0 {
		return 0, fmt.Errorf("lease %s: ttl %v must be positive", name, ttl)
	}
	return int64((ttl + time.Millisecond - 1) / time.Millisecond), nil
}
