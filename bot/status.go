package bot

import (
	"context"
	"errors"

	"github.com/samen-bot/samen/flows"
)

// ChatStatus is the participation in one chat of a process: its group's
// members, and how far they are in the round open there.
type ChatStatus struct {
	Process string
	Group   flows.GroupID // empty for the joint chat
	Members int
	// Round is the number of the round open in the chat (0: none), with
	// its progress.
	Round    int
	Answered int
	Passed   int
}

// ChatStatus reports the participation in chat, computed by the engine from
// the stored log (tests assert on it; dashboards show it). It returns
// flows.ErrNotFound for a chat that is not part of a process.
func (b *Bot) ChatStatus(ctx context.Context, chat flows.ChatID) (ChatStatus, error) {
	v, err := b.store.Index(ctx, chatKey(chat))
	if err != nil {
		return ChatStatus{}, err
	}
	p, err := b.load(ctx, processOf(v))
	if err != nil {
		return ChatStatus{}, err
	}
	st := ChatStatus{Process: p.ID}
	g := p.GroupByChat(chat)
	if g != nil {
		st.Group = g.ID
		st.Members = len(p.MembersOf(g.ID))
	} else if p.Joint != chat {
		return ChatStatus{}, errors.Join(flows.ErrNotFound, errors.New("chat is indexed but not in its process"))
	}
	r := p.OpenRoundIn(chat)
	if r == nil {
		if g == nil {
			for _, m := range p.Members {
				if m.Joint {
					st.Members++
				}
			}
		}
		return st, nil
	}
	env := b.env("")
	var pr flows.Progress
	if g != nil {
		for _, x := range p.Progress(r, env) {
			if x.Group == g.ID {
				pr = x
			}
		}
	} else {
		pr = flows.Total(p.Progress(r, env))
	}
	st.Round, st.Members, st.Answered, st.Passed = r.N, pr.Members, pr.Answered, pr.Passed
	return st, nil
}

// CurrentProcess returns the process u last created, joined or chose with
// /start CODE: the one their private commands are about.
func (b *Bot) CurrentProcess(ctx context.Context, u flows.UserID) (string, error) {
	return b.store.Index(ctx, currentKey(u))
}
