package telegram

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// errStoreDown is what a flakyStore answers while it is broken.
var errStoreDown = errors.New("store down (test)")

// flakyStore is the adapter's store with a switch: while fails says so for
// an operation on a key, the operation returns errStoreDown and does
// nothing — as when Redis (or the one Cluster shard holding that key) is
// unreachable. It counts the calls, to see a loop spinning.
type flakyStore struct {
	Store
	mu    sync.Mutex
	fails func(op, key string) bool
	calls int
}

func newFlakyStore(st Store) *flakyStore { return &flakyStore{Store: st} }

// breakWith makes the operations fails picks fail (nil: none fail).
func (f *flakyStore) breakWith(fails func(op, key string) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails = fails
}

func (f *flakyStore) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// check counts a call and asks fails about it; fails runs unlocked, so
// that a test may use it as a hook that calls the store itself.
func (f *flakyStore) check(op, key string) error {
	f.mu.Lock()
	f.calls++
	fails := f.fails
	f.mu.Unlock()
	if fails != nil && fails(op, key) {
		return fmt.Errorf("%s %s: %w", op, key, errStoreDown)
	}
	return nil
}

func (f *flakyStore) PutTemp(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := f.check("PutTemp", key); err != nil {
		return err
	}
	return f.Store.PutTemp(ctx, key, value, ttl)
}

func (f *flakyStore) Temp(ctx context.Context, key string) ([]byte, error) {
	if err := f.check("Temp", key); err != nil {
		return nil, err
	}
	return f.Store.Temp(ctx, key)
}

func (f *flakyStore) DeleteTemp(ctx context.Context, key string) error {
	if err := f.check("DeleteTemp", key); err != nil {
		return err
	}
	return f.Store.DeleteTemp(ctx, key)
}

func (f *flakyStore) AddTemp(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := f.check("AddTemp", key); err != nil {
		return false, err
	}
	return f.Store.AddTemp(ctx, key, value, ttl)
}

func (f *flakyStore) SetIndex(ctx context.Context, key, value string) error {
	if err := f.check("SetIndex", key); err != nil {
		return err
	}
	return f.Store.SetIndex(ctx, key, value)
}

func (f *flakyStore) Index(ctx context.Context, key string) (string, error) {
	if err := f.check("Index", key); err != nil {
		return "", err
	}
	return f.Store.Index(ctx, key)
}

func (f *flakyStore) DeleteIndex(ctx context.Context, key string) error {
	if err := f.check("DeleteIndex", key); err != nil {
		return err
	}
	return f.Store.DeleteIndex(ctx, key)
}

func (f *flakyStore) AddToSet(ctx context.Context, key, member string) error {
	if err := f.check("AddToSet", key); err != nil {
		return err
	}
	return f.Store.AddToSet(ctx, key, member)
}

func (f *flakyStore) RemoveFromSet(ctx context.Context, key, member string) error {
	if err := f.check("RemoveFromSet", key); err != nil {
		return err
	}
	return f.Store.RemoveFromSet(ctx, key, member)
}

func (f *flakyStore) SetMembers(ctx context.Context, key string) ([]string, error) {
	if err := f.check("SetMembers", key); err != nil {
		return nil, err
	}
	return f.Store.SetMembers(ctx, key)
}

func (f *flakyStore) Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if err := f.check("Lease", name); err != nil {
		return false, err
	}
	return f.Store.Lease(ctx, name, holder, ttl)
}

func (f *flakyStore) ReleaseLease(ctx context.Context, name, holder string) error {
	if err := f.check("ReleaseLease", name); err != nil {
		return err
	}
	return f.Store.ReleaseLease(ctx, name, holder)
}
