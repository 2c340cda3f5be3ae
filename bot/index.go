package bot

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/samen-bot/samen/flows"
)

// index keeps the cross-process lookups in step with a commit's events. The
// log is the truth: every entry here can be rebuilt from it, so a failure is
// logged and the next action that needs the entry writes it again.
func (b *Bot) index(ctx context.Context, p *flows.Process, events []flows.Event) {
	for _, e := range events {
		var err error
		switch ev := e.Data.(type) {
		case *flows.ProcessCreated:
			err = b.joinIndex(ctx, e.Actor, p.ID)
		case *flows.FacilitatorAdded:
			err = b.joinIndex(ctx, ev.User, p.ID)
		case *flows.MemberJoined:
			err = b.joinIndex(ctx, ev.User, p.ID)
		case *flows.MemberLeft:
			err = b.store.RemoveFromSet(ctx, userProcessesKey(ev.User), p.ID)
		case *flows.GroupLinked:
			err = b.store.SetIndex(ctx, chatKey(ev.Chat), p.ID+"/"+string(ev.Group))
		case *flows.JointLinked:
			err = b.store.SetIndex(ctx, chatKey(ev.Chat), p.ID+"/joint")
		case *flows.FacilitatorCodeIssued:
			err = b.store.SetIndex(ctx, codeKey(ev.Hash), p.ID)
		}
		if err != nil {
			b.log.ErrorContext(ctx, "update index failed", "process", p.ID, "event", e.Data.EventType(), "err", err)
		}
	}
}

// joinIndex records that u takes part in process and makes it u's current
// process for commands sent privately.
func (b *Bot) joinIndex(ctx context.Context, u flows.UserID, process string) error {
	if err := b.store.AddToSet(ctx, userProcessesKey(u), process); err != nil {
		return err
	}
	return b.store.SetIndex(ctx, currentKey(u), process)
}

// RepairIndexes rewrites every cross-process index entry from the logs: the
// chats of each process, the users taking part, and unused co-facilitator
// codes. An entry lost between a commit and its index write (a crash)
// comes back; entries are only added or overwritten, never removed.
func (b *Bot) RepairIndexes(ctx context.Context) (int, error) {
	ids, err := b.store.Processes(ctx)
	if err != nil {
		return 0, fmt.Errorf("list processes: %w", err)
	}
	for _, id := range ids {
		var events []flows.Event
		for from := int64(1); ; {
			raw, err := b.store.ReadLog(ctx, id, from, 1000)
			if err != nil {
				return 0, fmt.Errorf("read log of %s: %w", id, err)
			}
			if len(raw) == 0 {
				break
			}
			for _, r := range raw {
				var e flows.Event
				if err := json.Unmarshal(r, &e); err != nil {
					return 0, fmt.Errorf("repair %s: %w", id, err)
				}
				events = append(events, e)
			}
			from += int64(len(raw))
		}
		p, err := b.load(ctx, id)
		if err != nil {
			return 0, err
		}
		b.index(ctx, p, stillTrue(p, events))
	}
	return len(ids), nil
}

// stillTrue drops events whose index entries the current state no longer
// supports: members who left, codes already used.
func stillTrue(p *flows.Process, events []flows.Event) []flows.Event {
	var out []flows.Event
	for _, e := range events {
		switch ev := e.Data.(type) {
		case *flows.MemberJoined:
			if p.Members[ev.User] == nil {
				continue
			}
		case *flows.MemberLeft:
			continue
		case *flows.FacilitatorCodeIssued:
			if _, unused := p.Codes[ev.Hash]; !unused {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}
