package store

import (
	"context"
	"fmt"

	"go.etcd.io/bbolt"
)

// Ping checks that Redis answers, within ctx: a health check's question.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis ping: %w", err)
	}
	return nil
}

// Ping checks that the data file is open and readable.
func (b *Bolt) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.db.View(func(*bbolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("data file %s: %w", b.path, err)
	}
	return nil
}
