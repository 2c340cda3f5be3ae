package flows

import "time"

// Pause is /pause: everything holds. No answers or votes are taken, no
// timer fires, and every chat is told, kindly.
type Pause struct{ Actor Actor }

func (c Pause) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	if !p.PausedAt.IsZero() {
		return replyOnly(private(L(MsgAlreadyPaused))), nil
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&Paused{})
	for _, chat := range p.Chats() {
		b.send(Message{To: ToChat(chat), Lines: []Line{L(MsgPausedNotice, "title", p.Title)}})
	}
	b.reply(private(L(MsgPausedYou)))
	return b.decision(), nil
}

// Resume is /resume: the process goes on where it stood. Deadlines, reminders
// and windows move by the length of the pause, so nobody loses time.
type Resume struct{ Actor Actor }

func (c Resume) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	if p.PausedAt.IsZero() {
		return replyOnly(private(L(MsgNotPaused))), nil
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&Resumed{Shift: env.Now.Sub(p.PausedAt)})
	for _, chat := range p.Chats() {
		b.send(Message{To: ToChat(chat), Lines: []Line{L(MsgResumedNotice, "title", p.Title)}})
	}
	b.sendAfter(func(q *Process) []Message {
		var out []Message
		for _, r := range q.OpenRounds() {
			out = append(out, q.roundMessages(r.N, env, true)...)
		}
		return out
	})
	b.reply(private(L(MsgResumedYou)))
	return b.decision(), nil
}

// RequestTimeout is /timeout: a participant asks the facilitators,
// privately, for a time-out.
type RequestTimeout struct{ Actor Actor }

func (c RequestTimeout) decide(p *Process, env Env) (*Decision, error) {
	m := p.Members[c.Actor.User]
	if m == nil {
		return nil, Refuse(ErrNotMember)
	}
	if !p.PausedAt.IsZero() {
		return replyOnly(private(L(MsgTimeoutWhilePaused))), nil
	}
	if last, ok := p.TimeoutAsked[c.Actor.User]; ok && env.Now.Before(last.Add(timeoutInterval)) {
		return replyOnly(private(L(MsgTimeoutAlready))), nil
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&TimeoutRequested{Group: m.Group})
	for _, f := range p.FacilitatorIDs() {
		b.send(Message{To: ToUser(f),
			Lines:   []Line{L(MsgTimeoutRequested, "name", m.Name, "group", p.Group(m.Group).Name)},
			Buttons: [][]Button{{{Label: L(BtnPause), Intent: Intent{Do: DoPause, Process: p.ID}}}}})
	}
	b.reply(private(L(MsgTimeoutSent)))
	return b.decision(), nil
}

// Paused records /pause.
type Paused struct{}

func (*Paused) EventType() string           { return "paused" }
func (*Paused) apply(p *Process, e *Event)  { p.PausedAt = e.At }
func (*Resumed) EventType() string          { return "resumed" }
func (*TimeoutRequested) EventType() string { return "timeout_requested" }
func (*TimeoutRequested) apply(p *Process, e *Event) {
	if p.TimeoutAsked == nil {
		p.TimeoutAsked = map[UserID]time.Time{}
	}
	p.TimeoutAsked[e.Actor] = e.At
}

// timeoutInterval is how long one person's time-out request stands: asking
// again within it tells them the facilitators know, without a second alert.
const timeoutInterval = time.Hour

// Resumed records /resume; Shift is how long the process was paused, by
// which every running clock moves.
type Resumed struct {
	Shift time.Duration `json:"shift"`
}

func (ev *Resumed) apply(p *Process, _ *Event) {
	shift := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.Add(ev.Shift)
	}
	for _, r := range p.OpenRounds() {
		r.Deadline = shift(r.Deadline)
		for i := range r.Reminders {
			r.Reminders[i] = shift(r.Reminders[i])
		}
		for g, d := range r.Extended {
			r.Extended[g] = shift(d)
		}
		for _, t := range r.Turns {
			t.Since = shift(t.Since)
		}
	}
	for _, n := range p.Nominations {
		if n.Pending() {
			n.Until = shift(n.Until)
		}
	}
	p.PausedAt = time.Time{}
}

// TimeoutRequested records that a participant asked for a time-out.
type TimeoutRequested struct {
	Group GroupID `json:"group"`
}
