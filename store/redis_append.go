package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/samen-bot/samen/flows"
)

// Append writes c with one Lua script on the process's keys (see
// append.lua): idempotency first, then the expected version, then
// everything else. The cross-process hints go in the same pipeline, after
// the script, so an Append is one round trip on a standalone server. If the
// server lost the script, Append sends it with EVAL and writes the hints
// again after it.
//
// go-redis may resend the pipeline after a network error; the script then
// finds its own key and reports the original result (with Replayed set),
// and the hints are idempotent.
func (r *Redis) Append(ctx context.Context, c flows.Commit) (flows.AppendResult, error) {
	if err := validateCommit(c); err != nil {
		return flows.AppendResult{}, fmt.Errorf("append to %s: %w", c.Process, err)
	}
	keys, args := r.appendArgs(c)
	cmd, err := r.runAppend(ctx, c, keys, args)
	if err != nil {
		return flows.AppendResult{}, fmt.Errorf("append to %s: %w", c.Process, err)
	}
	res, err := parseAppendReply(cmd.Val())
	if err != nil {
		return flows.AppendResult{}, fmt.Errorf("append to %s: %w", c.Process, err)
	}
	switch res.status {
	case 1:
		return flows.AppendResult{Version: res.version, Replayed: true, Result: res.result}, nil
	case 2:
		return flows.AppendResult{}, &flows.ConflictError{Process: c.Process, Expected: c.Expected, Current: res.version}
	}
	return flows.AppendResult{Version: res.version, Result: clone(c.Result)}, nil
}

// runAppend runs the script and writes the hints after it.
func (r *Redis) runAppend(ctx context.Context, c flows.Commit, keys []string, args []any) (*redis.Cmd, error) {
	if !r.ordered {
		cmd := appendScript.Run(ctx, r.client, keys, args...)
		if err := cmd.Err(); err != nil {
			return nil, err
		}
		return cmd, r.writeHints(ctx, c)
	}
	pipe := r.client.Pipeline()
	cmd := appendScript.EvalSha(ctx, pipe, keys, args...)
	r.queueHints(ctx, pipe, c)
	_, err := pipe.Exec(ctx)
	if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		// The hints ran before the script this time: send the script
		// (EVAL also caches it) and then the hints again.
		if cmd = appendScript.Eval(ctx, r.client, keys, args...); cmd.Err() != nil {
			return nil, cmd.Err()
		}
		return cmd, r.writeHints(ctx, c)
	}
	if cmd.Err() != nil {
		return nil, cmd.Err()
	}
	if err != nil {
		// The script ran but a hint failed: report it, so that the caller
		// retries with the same key and the replay writes the hints again.
		return nil, fmt.Errorf("write hints: %w", err)
	}
	return cmd, nil
}

// queueHints queues the cross-process hints of c. They are harmless when the
// script reports a replay or a conflict: a commit with Expected 0 that
// conflicts means the process exists; a due or outbox hint that turns out
// empty is repaired by its reader. Due only ever lowers a hint's score (LT);
// readers raise it from the authoritative key.
func (r *Redis) queueHints(ctx context.Context, pipe redis.Pipeliner, c flows.Commit) {
	if c.Expected == 0 {
		pipe.SAdd(ctx, r.gkey("processes"), c.Process)
	}
	if !c.NextDue.IsZero() {
		pipe.ZAddLT(ctx, r.gkey("due"), redis.Z{Score: float64(dueMillis(c.NextDue)), Member: c.Process})
	}
	if len(c.Outbox) > 0 {
		pipe.SAdd(ctx, r.gkey("outbox"), c.Process)
	}
}

func (r *Redis) writeHints(ctx context.Context, c flows.Commit) error {
	pipe := r.client.Pipeline()
	r.queueHints(ctx, pipe, c)
	if pipe.Len() == 0 {
		return nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("write hints: %w", err)
	}
	return nil
}

// appendArgs lays out KEYS and ARGV as append.lua reads them.
func (r *Redis) appendArgs(c flows.Commit) ([]string, []any) {
	p := c.Process
	keys := []string{
		r.pkey(p, "v"), r.pkey(p, "log"), r.pkey(p, "snap"), r.pkey(p, "idem:"+c.Key),
		r.pkey(p, "outbox"), r.pkey(p, "outbox:q"), r.pkey(p, "outbox:seq"), r.pkey(p, "due"),
	}
	keyExpires := "0"
	if !c.KeyExpires.IsZero() {
		keyExpires = strconv.FormatInt(max(c.KeyExpires.UnixMilli(), 1), 10)
	}
	due := "0"
	if !c.NextDue.IsZero() {
		due = strconv.FormatInt(dueMillis(c.NextDue), 10)
	}
	hasSnap := "0"
	if c.Snapshot != nil {
		hasSnap = "1"
	}
	args := make([]any, 0, 9+len(c.Events)+1+2*len(c.Outbox))
	args = append(args,
		strconv.FormatInt(c.Expected, 10),
		keyExpires,
		strconv.FormatInt(flows.MinKeyTTL.Milliseconds(), 10),
		due,
		hasSnap,
		bytesArg(c.Snapshot),
		bytesArg(c.Result),
		strconv.Itoa(len(c.Events)),
	)
	for _, e := range c.Events {
		args = append(args, bytesArg(e))
	}
	args = append(args, strconv.Itoa(len(c.Outbox)))
	for _, o := range c.Outbox {
		args = append(args, o.Chat, bytesArg(o.Body))
	}
	return keys, args
}

// bytesArg makes a nil slice an empty argument (go-redis would send nil as
// an empty string too; this keeps it explicit).
func bytesArg(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

type appendReply struct {
	status  int64
	version int64
	result  []byte
}

func parseAppendReply(v any) (appendReply, error) {
	a, ok := v.([]any)
	if !ok || len(a) != 3 {
		return appendReply{}, fmt.Errorf("unexpected script reply %T", v)
	}
	status, ok1 := a[0].(int64)
	version, ok2 := a[1].(int64)
	result, ok3 := a[2].(string)
	if !ok1 || !ok2 || !ok3 {
		return appendReply{}, fmt.Errorf("unexpected script reply %v", a)
	}
	return appendReply{status: status, version: version, result: []byte(result)}, nil
}
