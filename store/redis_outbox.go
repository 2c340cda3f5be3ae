package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/samen-bot/samen/flows"
)

// PendingOutbox returns up to limit unsent entries of p in Seq order. When
// it finds none it takes p out of the outbox hint, then looks again and puts
// it back if an entry arrived meanwhile (Append writes the hint after the
// entry, so either this second look or that Append's hint catches it).
func (r *Redis) PendingOutbox(ctx context.Context, p string, limit int) ([]flows.OutboxEntry, error) {
	if err := checkProcess(p); err != nil {
		return nil, fmt.Errorf("read outbox of %s: %w", p, err)
	}
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("read outbox of %s: %w", p, err)
	}
	seqs, err := r.client.ZRange(ctx, r.pkey(p, "outbox:q"), 0, int64(limit)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("read outbox of %s: %w", p, err)
	}
	if len(seqs) == 0 {
		if err := r.repairOutboxHint(ctx, p); err != nil {
			return nil, fmt.Errorf("read outbox of %s: %w", p, err)
		}
		return []flows.OutboxEntry{}, nil
	}
	values, err := r.client.HMGet(ctx, r.pkey(p, "outbox"), seqs...).Result()
	if err != nil {
		return nil, fmt.Errorf("read outbox of %s: %w", p, err)
	}
	entries := make([]flows.OutboxEntry, 0, len(seqs))
	for i, v := range values {
		s, ok := v.(string)
		if !ok {
			continue // sent since ZRANGE
		}
		seq, err := strconv.ParseInt(seqs[i], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("read outbox of %s: seq %q: %w", p, seqs[i], err)
		}
		chat, body, err := decodeOutbox([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("read outbox of %s: entry %d: %w", p, seq, err)
		}
		entries = append(entries, flows.OutboxEntry{Seq: seq, Chat: chat, Body: body})
	}
	return entries, nil
}

func (r *Redis) repairOutboxHint(ctx context.Context, p string) error {
	hint := r.gkey("outbox")
	if err := r.client.SRem(ctx, hint, p).Err(); err != nil {
		return fmt.Errorf("clear outbox hint: %w", err)
	}
	n, err := r.client.ZCard(ctx, r.pkey(p, "outbox:q")).Result()
	if err != nil {
		return fmt.Errorf("recheck outbox: %w", err)
	}
	if n > 0 {
		if err := r.client.SAdd(ctx, hint, p).Err(); err != nil {
			return fmt.Errorf("restore outbox hint: %w", err)
		}
	}
	return nil
}

// MarkSent removes the entry and records s.MessageID under s.Ref if set,
// atomically. It does nothing for a process that has no commit.
func (r *Redis) MarkSent(ctx context.Context, s flows.Sent) error {
	if err := checkProcess(s.Process); err != nil {
		return fmt.Errorf("mark %s/%d sent: %w", s.Process, s.Seq, err)
	}
	p := s.Process
	keys := []string{r.pkey(p, "v"), r.pkey(p, "outbox"), r.pkey(p, "outbox:q"), r.pkey(p, "refs")}
	err := markSentScript.Run(ctx, r.client, keys, strconv.FormatInt(s.Seq, 10), s.Ref, s.MessageID).Err()
	if err != nil {
		return fmt.Errorf("mark %s/%d sent: %w", s.Process, s.Seq, err)
	}
	return nil
}

// MessageRef returns the message id recorded under ref, or flows.ErrNotFound.
func (r *Redis) MessageRef(ctx context.Context, p, ref string) (string, error) {
	if err := checkProcess(p); err != nil {
		return "", fmt.Errorf("message ref %s/%s: %w", p, ref, err)
	}
	if ref == "" {
		return "", fmt.Errorf("message ref %s/%s: %w", p, ref, flows.ErrNotFound)
	}
	id, err := r.client.HGet(ctx, r.pkey(p, "refs"), ref).Result()
	if isNil(err) {
		err = flows.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("message ref %s/%s: %w", p, ref, err)
	}
	return id, nil
}

// OutboxProcesses returns up to limit random members of the outbox hint, so
// that no process is starved when there are more than limit.
func (r *Redis) OutboxProcesses(ctx context.Context, limit int) ([]string, error) {
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("list outbox processes: %w", err)
	}
	ps, err := r.client.SRandMemberN(ctx, r.gkey("outbox"), int64(limit)).Result()
	if err != nil {
		return nil, fmt.Errorf("list outbox processes: %w", err)
	}
	if ps == nil {
		ps = []string{}
	}
	return ps, nil
}
