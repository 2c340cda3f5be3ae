package flows

import (
	"fmt"
	"slices"
	"time"
)

// A due item is something the engine must do at a time.
type dueItem struct {
	id    string // stable: the timer's idempotency key is made from it
	at    time.Time
	do    string
	round int
	group GroupID
	n     int // the reminder's number, or the nomination's
}

// What a due item does.
const (
	dueClose      = "close"      // close a round at its deadline
	dueRemind     = "remind"     // send a reminder
	dueDecide     = "decide"     // decide a group's consent at its deadline
	dueLastChance = "lastchance" // the last-chance notice of a consent round
	dueInstall    = "install"    // make an accepted nominee representative
	dueRepWindow  = "repwindow"  // a nomination's window passed with an objection
	dueEvaluation = "evaluation" // open the evaluation round
	dueTurn       = "turn"       // a turn timed out: pass the talking piece on
)

func (p *Process) dueItems(env Env) []dueItem {
	if !p.PausedAt.IsZero() {
		return nil // everything holds while paused
	}
	loc := env.location(p.TimeZone())
	quiet := p.QuietHours()
	var items []dueItem
	for _, r := range p.OpenRounds() {
		if r.Def.Consent {
			items = append(items, p.consentDue(r, env)...)
		} else if !r.Deadline.IsZero() {
			items = append(items, dueItem{id: fmt.Sprintf("r%d:close@%d", r.N, r.Deadline.Unix()), at: r.Deadline, do: dueClose, round: r.N})
		}
		items = append(items, p.turnDue(r, env)...)
		for i := r.RemindersSent; i < len(r.Reminders); i++ {
			at := quiet.After(r.Reminders[i], loc)
			if !r.Deadline.IsZero() && !at.Before(r.Deadline) {
				break
			}
			// The id carries the time: a reopened round's reminders are new timers.
			items = append(items, dueItem{id: fmt.Sprintf("r%d:remind%d@%d", r.N, i+1, r.Reminders[i].Unix()), at: at, do: dueRemind, round: r.N, n: i + 1})
			break
		}
	}
	for _, n := range p.Nominations {
		switch {
		case !n.Pending():
		case len(n.Objected) > 0 && !n.WindowEnded:
			items = append(items, dueItem{id: fmt.Sprintf("rep%d:window", n.ID), at: n.Until, do: dueRepWindow, n: n.ID})
		case n.Accepted && len(n.Objected) == 0:
			items = append(items, dueItem{id: fmt.Sprintf("rep%d:install", n.ID), at: n.Until, do: dueInstall, n: n.ID})
		}
	}
	if at := p.Evaluation(loc); !at.IsZero() && !p.EvaluationOpened && p.Template.Settings.EvaluationKind != "" {
		items = append(items, dueItem{id: "evaluation:" + p.Set[SetEvaluation], at: at, do: dueEvaluation})
	}
	return items
}

// consentDue are a consent round's deadlines, one per group still voting
// (a group given more time has its own), and its last-chance notice. Ids
// carry the deadline, so an extension makes new timers.
func (p *Process) consentDue(r *Round, env Env) []dueItem {
	var items []dueItem
	var first time.Time
	for _, g := range r.Groups {
		dl := r.deadlineOf(g)
		if !r.voting(g) || dl.IsZero() {
			continue
		}
		items = append(items, dueItem{id: fmt.Sprintf("r%d:decide:%s@%d", r.N, g, dl.Unix()), at: dl, do: dueDecide, round: r.N, group: g})
		if first.IsZero() || dl.Before(first) {
			first = dl
		}
	}
	if lc := time.Duration(r.Def.LastChance); lc > 0 && !first.IsZero() && !r.LastChanceSent {
		at := p.QuietHours().Before(first.Add(-lc), env.location(p.TimeZone()))
		items = append(items, dueItem{id: fmt.Sprintf("r%d:lastchance@%d", r.N, first.Unix()), at: at, do: dueLastChance, round: r.N})
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

// firstDue is the earliest item due at env.Now; deadlines come before the
// reminders and notices of the same round.
func (p *Process) firstDue(env Env) (dueItem, bool) {
	var due []dueItem
	for _, it := range p.dueItems(env) {
		if !it.at.After(env.Now) {
			due = append(due, it)
		}
	}
	if len(due) == 0 {
		return dueItem{}, false
	}
	rank := func(it dueItem) int {
		if it.do == dueClose || it.do == dueDecide {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(due, func(a, b dueItem) int {
		if a.round == b.round && rank(a) != rank(b) {
			return rank(a) - rank(b)
		}
		return a.at.Compare(b.at)
	})
	return due[0], true
}

// Tick does the first thing due at env.Now.
type Tick struct{}

func (Tick) decide(p *Process, env Env) (*Decision, error) {
	it, ok := p.firstDue(env)
	if !ok {
		return &Decision{}, nil
	}
	b := newBuilder("", env)
	r := p.Round(it.round)
	switch it.do {
	case dueClose:
		p.close(b, r, ClosedAtDeadline, env)
	case dueDecide:
		p.decideGroups(b, r, []GroupID{it.group}, env)
	case dueLastChance:
		b.event(&LastChanceSent{Round: r.N})
		p.lastChance(b, r, env)
	case dueRemind:
		// Skip reminders that were missed (the bot was down): send the latest.
		n := it.n
		loc := env.location(p.TimeZone())
		for n < len(r.Reminders) && !p.QuietHours().After(r.Reminders[n], loc).After(env.Now) {
			n++
		}
		b.event(&ReminderSent{Round: r.N, N: n})
		p.remind(b, r, env)
	case dueInstall:
		p.installRep(b, p.Nomination(it.n))
	case dueRepWindow:
		n := p.Nomination(it.n)
		b.event(&RepWindowEnded{ID: n.ID})
		g := p.Group(n.Group)
		for _, f := range p.FacilitatorIDs() {
			b.send(Message{To: ToUser(f),
				Lines:   []Line{L(MsgRepWindowEnded, "name", n.Name, "group", g.Name)},
				Buttons: [][]Button{{{Label: L(BtnRepWithdraw, "name", n.Name), Intent: Intent{Do: DoRepWithdraw, Process: p.ID, N: n.ID}}}}})
		}
		b.send(Message{To: ToUser(n.User), Lines: []Line{L(MsgRepWindowEndedYou, "group", g.Name)}})
	case dueEvaluation:
		b.event(&EvaluationStarted{})
		p.openEvaluation(b, env)
	case dueTurn:
		t := r.Turns[it.group]
		name := p.Members[t.Current()].Name
		b.send(Message{To: ToUser(t.Current()), Lines: []Line{L(MsgTurnTimedOutYou, "n", r.N)}})
		p.advanceTurn(b, r, it.group, t.Current(), L(MsgTurnTimedOut, "name", name), env)
	}
	return b.decision(), nil
}

// remind posts a reminder in the round's chats where someone is still
// waiting, and nudges, privately, each participant who has neither answered
// nor passed (in a consent round: not answered).
func (p *Process) remind(b *builder, r *Round, env Env) {
	for _, chat := range p.chatsOf(r.Groups, r.Joint) {
		pr := p.progressIn(r, chat, env)
		if pr.Waiting() <= 0 || (r.Def.Consent && !r.voting(pr.Group)) {
			continue
		}
		lines := []Line{L(MsgReminder, "n", r.N, "kind", r.Def.Title)}
		if dl := r.deadlineOf(pr.Group); !dl.IsZero() {
			lines = append(lines, L(MsgRoundDeadline, "deadline", Zoned{dl, p.TimeZone()}))
		}
		switch {
		case r.Def.Consent:
			lines = append(lines, tallyLine(p.ConsentTally(r, pr.Group)))
		case r.Def.Private():
			lines = append(lines, intakeProgressLine(pr))
		default:
			lines = append(lines, progressLine(pr))
		}
		b.send(Message{To: ToChat(chat), Lines: lines})
	}
	for _, m := range p.waiting(r, env) {
		var where Line
		switch {
		case r.Def.Private():
			where = L(MsgNudgeIntake, "n", r.N, "kind", r.Def.Title)
		case r.Def.Consent:
			where = L(MsgNudgeConsent, "n", r.N, "proposal", r.Proposal, "v", r.Version, "group", p.Group(m.Group).Name)
		case r.Joint:
			where = L(MsgNudgeJoint, "n", r.N, "kind", r.Def.Title)
		default:
			where = L(MsgNudge, "n", r.N, "kind", r.Def.Title, "group", p.Group(m.Group).Name)
		}
		nudge := Message{To: ToUser(m.User), Lines: []Line{where}}
		if dl := r.deadlineOf(m.Group); !dl.IsZero() {
			nudge.Lines = append(nudge.Lines, L(MsgRoundDeadline, "deadline", Zoned{dl, p.TimeZone()}))
		}
		if r.Def.Private() {
			nudge.Buttons = p.intakeButtons(r)
		}
		b.send(nudge)
	}
}

// lastChance tells those who have not answered in a consent round that it
// is their last chance, and each group still voting where it stands.
func (p *Process) lastChance(b *builder, r *Round, env Env) {
	for _, gid := range r.Groups {
		if !r.voting(gid) {
			continue
		}
		g := p.Group(gid)
		t := p.ConsentTally(r, gid)
		if t.Answered >= t.Members {
			continue // everyone here has answered
		}
		b.send(Message{To: ToChat(g.Chat), Lines: []Line{
			L(MsgLastChanceGroup, "n", r.N, "deadline", Zoned{r.deadlineOf(gid), p.TimeZone()}), tallyLine(t)}})
	}
	for _, m := range p.waiting(r, env) {
		b.send(Message{To: ToUser(m.User), Lines: []Line{
			L(MsgLastChance, "n", r.N, "proposal", r.Proposal, "v", r.Version, "group", p.Group(m.Group).Name,
				"deadline", Zoned{r.deadlineOf(m.Group), p.TimeZone()})}})
	}
}

// openEvaluation opens the evaluation round on the agreed date (method.md
// §3a phase 12). If a round is still open it tells the facilitators instead.
func (p *Process) openEvaluation(b *builder, env Env) {
	name := p.Template.Settings.EvaluationKind
	kind := p.Kind(name)
	if err := p.start(b, env, Actor{}, name, kind, ScopeAll, "", 0); err != nil {
		for _, f := range p.FacilitatorIDs() {
			b.send(Message{To: ToUser(f), Lines: []Line{L(MsgEvaluationBlocked)}})
		}
		return
	}
	b.d.Reply = nil
	for _, chat := range p.Chats() {
		b.send(Message{To: ToChat(chat), Lines: []Line{L(MsgEvaluationDay, "title", p.Title)}})
	}
}
