package store

import (
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/samen-bot/samen/flows"
)

// Due lists up to limit processes whose NextDue is at or before now,
// earliest first. The due bucket is ordered by time, so this reads only the
// entries it returns.
func (b *Bolt) Due(ctx context.Context, now time.Time, limit int) ([]flows.DueProcess, error) {
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("list due processes: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list due processes: %w", err)
	}
	due := []flows.DueProcess{}
	if now.UnixMilli() < 1 {
		return due, nil // due times are at least 1ms after 1970
	}
	nowMs := uint64(now.UnixMilli())
	err := b.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bDue).Cursor()
		for k, _ := c.First(); k != nil && len(due) < limit; k, _ = c.Next() {
			if len(k) < 8 {
				return fmt.Errorf("malformed due key %x", k)
			}
			ms := be64dec(k)
			if ms > nowMs {
				break
			}
			due = append(due, flows.DueProcess{Process: string(k[8:]), At: time.UnixMilli(int64(ms))})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list due processes: %w", err)
	}
	return due, nil
}
