package flows

import (
	"fmt"
	"time"
)

// A due item is something the engine must do at a time: close a round at
// its deadline, or send a reminder.
type dueItem struct {
	id    string
	at    time.Time
	round int
	// remind is the number of the reminder to send (0: close the round).
	remind int
}

func (p *Process) dueItems(env Env) []dueItem {
	loc := env.location(p.TimeZone())
	quiet := p.QuietHours()
	var items []dueItem
	for _, r := range p.OpenRounds() {
		if !r.Deadline.IsZero() {
			items = append(items, dueItem{id: fmt.Sprintf("r%d:close", r.N), at: r.Deadline, round: r.N})
		}
		for i := r.RemindersSent; i < len(r.Reminders); i++ {
			at := quiet.After(r.Reminders[i], loc)
			if !r.Deadline.IsZero() && !at.Before(r.Deadline) {
				break
			}
			items = append(items, dueItem{id: fmt.Sprintf("r%d:remind%d", r.N, i+1), at: at, round: r.N, remind: i + 1})
			break
		}
	}
	return items
}

// NextDue returns when the engine next needs asking (Tick), or the zero
// time if nothing is scheduled.
func (p *Process) NextDue(env Env) time.Time {
	var next time.Time
	for _, it := range p.dueItems(env) {
		if next.IsZero() || it.at.Before(next) {
			next = it.at
		}
	}
	return next
}

// Due returns the id of something due at env.Now, if any. Execute a Tick
// with that id in the idempotency key, so that it happens once however many
// bot instances notice it.
func (p *Process) Due(env Env) (id string, ok bool) {
	it, ok := p.firstDue(env)
	return it.id, ok
}

func (p *Process) firstDue(env Env) (dueItem, bool) {
	var first dueItem
	found := false
	for _, it := range p.dueItems(env) {
		if it.at.After(env.Now) {
			continue
		}
		// A deadline that has passed wins over reminders of the same round.
		if !found || it.at.Before(first.at) || (it.round == first.round && it.remind == 0) {
			first, found = it, true
		}
	}
	return first, found
}

// Tick does the first thing due at env.Now.
type Tick struct{}

func (Tick) decide(p *Process, env Env) (*Decision, error) {
	it, ok := p.firstDue(env)
	if !ok {
		return &Decision{}, nil
	}
	r := p.Round(it.round)
	b := newBuilder("", env)
	if it.remind == 0 {
		p.close(b, r, ClosedAtDeadline, env)
		return b.decision(), nil
	}
	// Skip reminders that were missed (the bot was down): send the latest.
	n := it.remind
	loc := env.location(p.TimeZone())
	for n < len(r.Reminders) && !p.QuietHours().After(r.Reminders[n], loc).After(env.Now) {
		n++
	}
	b.event(&ReminderSent{Round: r.N, N: n})
	p.remind(b, r, env)
	return b.decision(), nil
}

// remind posts a reminder in the round's chats and nudges, privately, each
// participant who has neither answered nor passed.
func (p *Process) remind(b *builder, r *Round, env Env) {
	for _, chat := range p.chatsOf(r.Groups, r.Joint) {
		pr := p.progressIn(r, chat, env)
		if pr.Waiting() <= 0 {
			continue // everyone here has answered or passed
		}
		lines := []Line{L(MsgReminder, "n", r.N, "kind", r.Def.Title)}
		if !r.Deadline.IsZero() {
			lines = append(lines, L(MsgRoundDeadline, "deadline", Zoned{r.Deadline, p.TimeZone()}))
		}
		lines = append(lines, progressLine(pr))
		b.send(Message{To: ToChat(chat), Lines: lines})
	}
	for _, m := range p.waiting(r, env) {
		var where Line
		if r.Joint {
			where = L(MsgNudgeJoint, "n", r.N, "kind", r.Def.Title)
		} else {
			where = L(MsgNudge, "n", r.N, "kind", r.Def.Title, "group", p.Group(m.Group).Name)
		}
		nudge := Message{To: ToUser(m.User), Lines: []Line{where}}
		if !r.Deadline.IsZero() {
			nudge.Lines = append(nudge.Lines, L(MsgRoundDeadline, "deadline", Zoned{r.Deadline, p.TimeZone()}))
		}
		b.send(nudge)
	}
}
