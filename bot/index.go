package bot

import (
	"context"

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
