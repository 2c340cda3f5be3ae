package store

import (
	"context"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/samen-bot/samen/flows"
)

// Load returns the latest snapshot and the events after it, read in one
// transaction.
func (b *Bolt) Load(ctx context.Context, p string) (flows.History, error) {
	if err := checkProcess(p); err != nil {
		return flows.History{}, fmt.Errorf("load %s: %w", p, err)
	}
	if err := ctx.Err(); err != nil {
		return flows.History{}, fmt.Errorf("load %s: %w", p, err)
	}
	var h flows.History
	err := b.db.View(func(tx *bbolt.Tx) error {
		pb := procBucket(tx, p)
		if pb == nil {
			return flows.ErrNotFound
		}
		meta := pb.Bucket(bMeta)
		h.Version = getInt(meta, kVersion)
		if meta.Get(kSnapVer) != nil {
			h.SnapshotVersion = getInt(meta, kSnapVer)
			h.Snapshot = append([]byte{}, meta.Get(kSnapshot)...)
		}
		h.Events = readLog(pb, h.SnapshotVersion+1, -1)
		return nil
	})
	if err != nil {
		return flows.History{}, fmt.Errorf("load %s: %w", p, err)
	}
	return h, nil
}

// ReadLog returns up to limit events from version from (1-based) on.
func (b *Bolt) ReadLog(ctx context.Context, p string, from int64, limit int) ([][]byte, error) {
	if err := checkReadLog(p, from, limit); err != nil {
		return nil, fmt.Errorf("read log of %s: %w", p, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read log of %s: %w", p, err)
	}
	events := [][]byte{}
	err := b.db.View(func(tx *bbolt.Tx) error {
		if pb := procBucket(tx, p); pb != nil {
			events = readLog(pb, from, limit)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read log of %s: %w", p, err)
	}
	return events, nil
}

func checkReadLog(p string, from int64, limit int) error {
	if err := checkProcess(p); err != nil {
		return err
	}
	if from < 1 {
		return fmt.Errorf("version %d out of range (versions start at 1)", from)
	}
	return checkLimit(limit)
}

// readLog copies up to limit events (all if limit < 0) from version from on.
func readLog(pb *bbolt.Bucket, from int64, limit int) [][]byte {
	events := [][]byte{}
	c := pb.Bucket(bLog).Cursor()
	for k, v := c.Seek(be64(uint64(from))); k != nil && limit != 0; k, v = c.Next() {
		events = append(events, append([]byte{}, v...))
		limit--
	}
	return events
}

// Processes lists every process that has a commit, in byte order.
func (b *Bolt) Processes(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	ps := []string{}
	err := b.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bProcs).ForEachBucket(func(k []byte) error {
			ps = append(ps, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	return ps, nil
}
