package flows

// MoveChat is the platform saying a chat has a new id (a Telegram group
// upgraded to a supergroup): the group, or the joint circle, moves with it,
// and everything said there stays where it was.
type MoveChat struct{ From, To ChatID }

func (c MoveChat) decide(p *Process, env Env) (*Decision, error) {
	if c.From == c.To || (p.GroupByChat(c.From) == nil && p.Joint != c.From) {
		return &Decision{}, nil // already moved, or not ours
	}
	b := newBuilder("", env)
	b.event(&ChatMoved{From: c.From, To: c.To})
	// The open round's message stays behind in the old chat: post it anew
	// where people are now, so they have something to reply to.
	b.sendAfter(func(q *Process) []Message {
		if r := q.OpenRoundIn(c.To); r != nil {
			return []Message{q.roundMessage(r, c.To, env, false)}
		}
		return nil
	})
	return b.decision(), nil
}

// ChatMoved records a chat's new id.
type ChatMoved struct {
	From ChatID `json:"from"`
	To   ChatID `json:"to"`
}

func (*ChatMoved) EventType() string { return "chat_moved" }

func (ev *ChatMoved) apply(p *Process, _ *Event) {
	for _, g := range p.Groups {
		if g.Chat == ev.From {
			g.Chat = ev.To
		}
	}
	if p.Joint == ev.From {
		p.Joint = ev.To
	}
}

// LoseChat is the platform saying the bot was removed from a chat of the
// process (or, Back, added to it again): the facilitators learn which, and
// how to bring it back. Nothing in the process changes; the chat may come
// back.
type LoseChat struct {
	Chat ChatID
	Back bool
}

func (c LoseChat) decide(p *Process, env Env) (*Decision, error) {
	group, joint := MsgChatLostGroup, MsgChatLostJoint
	if c.Back {
		group, joint = MsgChatBackGroup, MsgChatBackJoint
	}
	var where Line
	switch g := p.GroupByChat(c.Chat); {
	case g != nil:
		where = L(group, "group", g.Name, "title", p.Title, "code", p.ID)
	case p.Joint == c.Chat:
		where = L(joint, "title", p.Title, "code", p.ID)
	default:
		return &Decision{}, nil
	}
	b := newBuilder("", env)
	for _, f := range p.FacilitatorIDs() {
		b.send(Message{To: ToUser(f), Lines: []Line{where}})
	}
	return b.decision(), nil
}
