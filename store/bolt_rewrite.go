package store

import (
	"context"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/samen-bot/samen/flows"
)

// RewriteLog replaces the events rw.Events names, appends the marker and
// writes the snapshot, in one transaction, if the log of rw.Process is at
// rw.Expected. A conflict rolls
// the transaction back and returns a *flows.ConflictError; a process
// without a commit gives flows.ErrNotFound.
func (b *Bolt) RewriteLog(ctx context.Context, rw flows.Rewrite) error {
	if err := validateRewrite(rw); err != nil {
		return fmt.Errorf("rewrite log of %s: %w", rw.Process, err)
	}
	var conflict *flows.ConflictError
	err := b.update(ctx, "rewrite log of "+rw.Process, func(tx *bbolt.Tx) error {
		pb := procBucket(tx, rw.Process)
		if pb == nil {
			return flows.ErrNotFound
		}
		meta := pb.Bucket(bMeta)
		if cur := getInt(meta, kVersion); cur != rw.Expected {
			conflict = &flows.ConflictError{Process: rw.Process, Expected: rw.Expected, Current: cur}
			return errRollback
		}
		log := pb.Bucket(bLog)
		for v, e := range rw.Events {
			if err := log.Put(be64(uint64(v)), e); err != nil {
				return fmt.Errorf("write event %d: %w", v, err)
			}
		}
		if err := log.Put(be64(uint64(rw.Expected+1)), rw.Marker); err != nil {
			return fmt.Errorf("write marker: %w", err)
		}
		if err := putInt(meta, kVersion, rw.Expected+1); err != nil {
			return fmt.Errorf("write version: %w", err)
		}
		if err := putInt(meta, kSnapVer, rw.Expected+1); err != nil {
			return fmt.Errorf("write snapshot: %w", err)
		}
		if err := meta.Put(kSnapshot, rw.Snapshot); err != nil {
			return fmt.Errorf("write snapshot: %w", err)
		}
		return nil
	})
	if conflict != nil && errors.Is(err, errRollback) {
		return conflict
	}
	return err
}

// validateRewrite is rw.Validate plus the checks both backends share.
func validateRewrite(rw flows.Rewrite) error {
	if err := rw.Validate(); err != nil {
		return err
	}
	return checkProcess(rw.Process)
}
