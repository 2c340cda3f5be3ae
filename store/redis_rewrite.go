package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/samen-bot/samen/flows"
)

// RewriteLog replaces the events rw.Events names, appends the marker and
// writes the snapshot with one Lua script (rewrite.lua) on the process's
// keys, if the log is at rw.Expected. No hint changes: the outbox and due
// time stay.
func (r *Redis) RewriteLog(ctx context.Context, rw flows.Rewrite) error {
	if err := validateRewrite(rw); err != nil {
		return fmt.Errorf("rewrite log of %s: %w", rw.Process, err)
	}
	p := rw.Process
	keys := []string{r.pkey(p, "v"), r.pkey(p, "log"), r.pkey(p, "snap")}
	args := make([]any, 0, 3+2*len(rw.Events))
	args = append(args, strconv.FormatInt(rw.Expected, 10), bytesArg(rw.Snapshot), bytesArg(rw.Marker))
	for v, e := range rw.Events {
		args = append(args, strconv.FormatInt(v, 10), bytesArg(e))
	}
	reply, err := rewriteScript.Run(ctx, r.client, keys, args...).Int64Slice()
	if err != nil {
		return fmt.Errorf("rewrite log of %s: %w", p, err)
	}
	if len(reply) != 2 {
		return fmt.Errorf("rewrite log of %s: unexpected script reply %v", p, reply)
	}
	switch reply[0] {
	case 1:
		return fmt.Errorf("rewrite log of %s: %w", p, flows.ErrNotFound)
	case 2:
		return &flows.ConflictError{Process: p, Expected: rw.Expected, Current: reply[1]}
	}
	return nil
}
