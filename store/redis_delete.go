package store

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// DeleteProcess removes every key of process p with one Lua script
// (delete.lua): version, log, snapshot, outbox with its queue and sequence,
// refs, due time and the idempotency keys, found with SCAN as
// RestoreProcess finds them. A process that does not exist is not an error.
//
// The cross-process hints (samen:processes, samen:due, samen:outbox) are
// removed after the script: they live in other hash slots, so on a Cluster
// no script can touch them together with the process's keys. Until then,
// or for good if removing them fails, a hint names a process that is gone;
// readers check every hint against the authoritative per-process keys, so
// it is harmless (and they repair it). After removing them DeleteProcess
// reads the process's keys again and puts back any hint that an Append
// re-creating the process meanwhile needs, so that a live process is never
// missing from its hint.
//
// Keys are found before the script runs: an Append that runs concurrently
// with DeleteProcess may leave an idempotency key behind. Delete a process
// that nothing writes to any more.
func (r *Redis) DeleteProcess(ctx context.Context, p string) error {
	if err := checkProcess(p); err != nil {
		return fmt.Errorf("delete %s: %w", p, err)
	}
	keys := []string{
		r.pkey(p, "v"), r.pkey(p, "log"), r.pkey(p, "snap"), r.pkey(p, "outbox"),
		r.pkey(p, "outbox:q"), r.pkey(p, "outbox:seq"), r.pkey(p, "refs"), r.pkey(p, "due"),
	}
	found, err := r.scanKeys(ctx, globEscape(r.pkey(p, ""))+"*")
	if err != nil {
		return fmt.Errorf("delete %s: %w", p, err)
	}
	keys = append(keys, found...)
	if err := deleteScript.Run(ctx, r.client, keys).Err(); err != nil {
		return fmt.Errorf("delete %s: %w", p, err)
	}
	if err := r.clearHints(ctx, p); err != nil {
		return fmt.Errorf("delete %s: %w", p, err)
	}
	return nil
}

// clearHints takes p out of the three hints, then puts back those that the
// authoritative keys, read again afterwards, still call for.
func (r *Redis) clearHints(ctx context.Context, p string) error {
	pipe := r.client.Pipeline()
	pipe.SRem(ctx, r.gkey("processes"), p)
	pipe.ZRem(ctx, r.gkey("due"), p)
	pipe.SRem(ctx, r.gkey("outbox"), p)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("clear hints: %w", err)
	}
	pipe = r.client.Pipeline()
	exists := pipe.Exists(ctx, r.pkey(p, "v"))
	due := pipe.Get(ctx, r.pkey(p, "due"))
	pending := pipe.ZCard(ctx, r.pkey(p, "outbox:q"))
	if _, err := pipe.Exec(ctx); err != nil && !isNil(err) {
		return fmt.Errorf("recheck: %w", err)
	}
	pipe = r.client.Pipeline()
	if exists.Val() == 1 {
		pipe.SAdd(ctx, r.gkey("processes"), p)
	}
	if ms, err := due.Int64(); err == nil {
		pipe.ZAddLT(ctx, r.gkey("due"), redis.Z{Score: float64(ms), Member: p})
	}
	if pending.Val() > 0 {
		pipe.SAdd(ctx, r.gkey("outbox"), p)
	}
	if pipe.Len() == 0 {
		return nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("restore hints: %w", err)
	}
	return nil
}
