package store

import (
	"context"
	"fmt"

	"go.etcd.io/bbolt"
)

// DeleteProcess removes process p in one transaction: its bucket (log,
// snapshot, timer, outbox and its sequence, refs, idempotency keys) and its
// entries in the due, outbox and idem-exp buckets. A process that does not
// exist is not an error.
func (b *Bolt) DeleteProcess(ctx context.Context, p string) error {
	if err := checkProcess(p); err != nil {
		return fmt.Errorf("delete %s: %w", p, err)
	}
	return b.update(ctx, "delete "+p, func(tx *bbolt.Tx) error {
		pb := procBucket(tx, p)
		if pb == nil {
			return nil
		}
		return dropProc(tx, p, pb)
	})
}
