package store

import (
	"bytes"
	"context"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/samen-bot/samen/flows"
)

// PendingOutbox returns up to limit unsent entries of p in Seq order.
func (b *Bolt) PendingOutbox(ctx context.Context, p string, limit int) ([]flows.OutboxEntry, error) {
	if err := checkProcess(p); err != nil {
		return nil, fmt.Errorf("read outbox of %s: %w", p, err)
	}
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("read outbox of %s: %w", p, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read outbox of %s: %w", p, err)
	}
	entries := []flows.OutboxEntry{}
	err := b.db.View(func(tx *bbolt.Tx) error {
		pb := procBucket(tx, p)
		if pb == nil {
			return nil
		}
		c := pb.Bucket(bOutboxP).Cursor()
		for k, v := c.First(); k != nil && len(entries) < limit; k, v = c.Next() {
			chat, body, err := decodeOutbox(v)
			if err != nil {
				return fmt.Errorf("entry %d: %w", be64dec(k), err)
			}
			entries = append(entries, flows.OutboxEntry{Seq: int64(be64dec(k)), Chat: chat, Body: body})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox of %s: %w", p, err)
	}
	return entries, nil
}

// MarkSent removes the entry and records s.MessageID under s.Ref if set. It
// does nothing for a process that has no commit.
func (b *Bolt) MarkSent(ctx context.Context, s flows.Sent) error {
	if err := checkProcess(s.Process); err != nil {
		return fmt.Errorf("mark %s/%d sent: %w", s.Process, s.Seq, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mark %s/%d sent: %w", s.Process, s.Seq, err)
	}
	err := b.db.Update(func(tx *bbolt.Tx) error {
		pb := procBucket(tx, s.Process)
		if pb == nil {
			return nil
		}
		outbox := pb.Bucket(bOutboxP)
		if err := outbox.Delete(be64(uint64(s.Seq))); err != nil {
			return err
		}
		if s.Ref != "" {
			if err := pb.Bucket(bRefs).Put([]byte(s.Ref), []byte(s.MessageID)); err != nil {
				return err
			}
		}
		if k, _ := outbox.Cursor().First(); k == nil {
			if err := tx.Bucket(bOutbox).Delete([]byte(s.Process)); err != nil {
				return err
			}
		}
		return purgeExpired(tx, b.now())
	})
	if err != nil {
		return fmt.Errorf("mark %s/%d sent: %w", s.Process, s.Seq, err)
	}
	return nil
}

// MessageRef returns the message id recorded under ref, or flows.ErrNotFound.
func (b *Bolt) MessageRef(ctx context.Context, p, ref string) (string, error) {
	if err := checkProcess(p); err != nil {
		return "", fmt.Errorf("message ref %s/%s: %w", p, ref, err)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("message ref %s/%s: %w", p, ref, err)
	}
	var id string
	err := b.db.View(func(tx *bbolt.Tx) error {
		pb := procBucket(tx, p)
		if pb == nil || ref == "" {
			return flows.ErrNotFound
		}
		v := pb.Bucket(bRefs).Get([]byte(ref))
		if v == nil {
			return flows.ErrNotFound
		}
		id = string(v)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("message ref %s/%s: %w", p, ref, err)
	}
	return id, nil
}

// OutboxProcesses lists up to limit processes with pending entries. The
// bucket is exact here; successive calls go round it so that no process is
// starved when there are more than limit.
func (b *Bolt) OutboxProcesses(ctx context.Context, limit int) ([]string, error) {
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("list outbox processes: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list outbox processes: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	ps := []string{}
	err := b.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bOutbox).Cursor()
		k, _ := c.Seek(b.outboxCursor)
		if k != nil && bytes.Equal(k, b.outboxCursor) {
			k, _ = c.Next()
		}
		var first []byte
		for ; len(ps) < limit; k, _ = c.Next() {
			if k == nil {
				if k, _ = c.First(); k == nil {
					break // empty
				}
			}
			if first == nil {
				first = clone(k)
			} else if bytes.Equal(k, first) {
				break // went round
			}
			ps = append(ps, string(k))
		}
		if len(ps) > 0 {
			b.outboxCursor = []byte(ps[len(ps)-1])
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list outbox processes: %w", err)
	}
	return ps, nil
}
