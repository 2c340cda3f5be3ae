package bot

import (
	"context"
	"errors"
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
		case *flows.ChatMoved:
			v := ""
			if v, err = b.store.Index(ctx, chatKey(ev.From)); err == nil {
				if err = b.store.SetIndex(ctx, chatKey(ev.To), v); err == nil {
					err = b.store.DeleteIndex(ctx, chatKey(ev.From))
				}
			}
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
	if err := b.store.AddToSet(ctx, loggedKey(u), process); err != nil {
		return err
	}
	return b.store.SetIndex(ctx, currentKey(u), process)
}

// RepairIndexes rewrites every cross-process index entry from the state
// each log folds to: the chats of each process, the people taking part and
// unused co-facilitator codes. An entry lost between a commit and its index
// write (a crash) comes back. Entries are added or overwritten, never
// removed, and a person's current process is set only if they have none.
func (b *Bot) RepairIndexes(ctx context.Context) (int, error) {
	ids, err := b.store.Processes(ctx)
	if err != nil {
		return 0, fmt.Errorf("list processes: %w", err)
	}
	for _, id := range ids {
		p, err := b.load(ctx, id)
		if err != nil {
			return 0, err
		}
		if err := b.repairIndex(ctx, p); err != nil {
			return 0, fmt.Errorf("repair indexes of %s: %w", id, err)
		}
	}
	return len(ids), nil
}

func (b *Bot) repairIndex(ctx context.Context, p *flows.Process) error {
	for _, g := range p.Groups {
		if err := b.store.SetIndex(ctx, chatKey(g.Chat), p.ID+"/"+string(g.ID)); err != nil {
			return err
		}
	}
	if p.Joint != "" {
		if err := b.store.SetIndex(ctx, chatKey(p.Joint), p.ID+"/joint"); err != nil {
			return err
		}
	}
	for hash := range p.Codes {
		if err := b.store.SetIndex(ctx, codeKey(hash), p.ID); err != nil {
			return err
		}
	}
	people := p.FacilitatorIDs()
	for u := range p.Members {
		people = append(people, u)
	}
	for _, u := range people {
		if err := b.store.AddToSet(ctx, userProcessesKey(u), p.ID); err != nil {
			return err
		}
		if err := b.store.AddToSet(ctx, loggedKey(u), p.ID); err != nil {
			return err
		}
		if _, err := b.store.Index(ctx, currentKey(u)); errors.Is(err, flows.ErrNotFound) {
			if err := b.store.SetIndex(ctx, currentKey(u), p.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
