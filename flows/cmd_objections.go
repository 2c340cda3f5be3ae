package flows

import (
	"slices"
	"strconv"
)

// ResolveObjection is the button under a new version, pressed by the
// objector or the proposer: this version resolves the objection. With both,
// it is resolved (method.md §3b, Holacracy §3.3.5f).
type ResolveObjection struct {
	Actor     Actor
	Objection int
	V         string // the version the button was shown with
}

func (c ResolveObjection) decide(p *Process, env Env) (*Decision, error) {
	o := p.Objection(c.Objection)
	if o == nil {
		return nil, Refuse(ErrButtonExpired)
	}
	if !o.Standing() {
		return replyOnly(private(L(MsgObjectionSettled, "id", o.ID))), nil
	}
	pr := p.Proposal(o.Proposal)
	v, err := strconv.Atoi(c.V)
	if err != nil || pr.Version(v) == nil || v <= o.Version || v != pr.Shown().V {
		return nil, Refuse(ErrButtonExpired)
	}
	objector := c.Actor.User == o.Author
	proposer := c.Actor.User == pr.Version(v).Author
	if !objector && !proposer {
		return nil, Refuse(ErrNotYourObjection)
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&ObjectionResolution{ID: o.ID, V: v, Objector: objector, Proposer: proposer})
	b.reply(private(L(MsgResolutionNoted, "id", o.ID, "v", v)))
	b.sendAfter(func(q *Process) []Message {
		if q.Objection(o.ID).State != ObjectionResolved {
			return nil
		}
		var out []Message
		for _, to := range q.FacilitatorIDs() {
			out = append(out, Message{To: ToUser(to), Lines: []Line{L(MsgObjectionResolved, "id", o.ID, "name", o.Name, "proposal", o.Proposal, "v", v)}})
		}
		return out
	})
	return b.decision(), nil
}

// WithdrawObjection is the objector's button: the objection no longer
// stands. While the round is open, their answer is taken back too, so they
// can answer again.
type WithdrawObjection struct {
	Actor     Actor
	Objection int
}

func (c WithdrawObjection) decide(p *Process, env Env) (*Decision, error) {
	o := p.Objection(c.Objection)
	if o == nil {
		return nil, Refuse(ErrButtonExpired)
	}
	if o.Author != c.Actor.User {
		return nil, Refuse(ErrNotYourObjection)
	}
	if !o.Standing() {
		return replyOnly(private(L(MsgObjectionSettled, "id", o.ID))), nil
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&ObjectionWithdrawn{ID: o.ID})
	r := p.Round(o.Round)
	if v := r.Votes[c.Actor.User]; r.voting(o.Group) && v != nil && v.Objection == o.ID {
		b.event(&VoteCast{Round: r.N, User: c.Actor.User, Vote: Vote{Group: o.Group}})
		chat := p.Group(o.Group).Chat
		b.sendAfter(func(q *Process) []Message { return []Message{q.consentMessage(q.Round(r.N), chat, env, true)} })
	}
	b.send(p.objectionWithdrawnNotices(o, p.Proposal(o.Proposal))...)
	if r.voting(o.Group) {
		b.reply(private(L(MsgObjectionWithdrawn, "id", o.ID)))
	} else {
		b.reply(private(L(MsgObjectionWithdrawnClosed, "id", o.ID)))
	}
	return b.decision(), nil
}

// stuckOptions offer the facilitators the ways forward of method.md §3b
// after StuckAfter failed integration cycles.
func (p *Process) stuckOptions(pr *Proposal) []Message {
	lines := []Line{L(MsgStuck, "proposal", pr.N, "cycles", pr.FailedCycles)}
	var rows [][]Button
	for _, opt := range p.stuckOptionsOffered() {
		lines = append(lines, L(stuckKey(opt)))
		rows = append(rows, []Button{{Label: L(stuckButton(opt)), Intent: Intent{Do: DoStuck, Process: p.ID, N: pr.N, Arg: opt}}})
	}
	var out []Message
	for _, f := range p.FacilitatorIDs() {
		out = append(out, Message{To: ToUser(f), Lines: lines, Buttons: rows})
	}
	return out
}

// stuckOptionsOffered are the ways forward on offer: the fallback way of
// deciding only if the rules everyone consented to name one.
func (p *Process) stuckOptionsOffered() []string {
	if p.Set[SetFallback] != "" {
		return StuckOptions
	}
	return slices.DeleteFunc(slices.Clone(StuckOptions), func(o string) bool { return o == "fallback" })
}

func stuckKey(opt string) MsgKey    { return MsgKey("stuck_" + opt) }
func stuckButton(opt string) MsgKey { return MsgKey("btn.stuck_" + opt) }

// ChooseStuck is the facilitator's choice among the stuck options; it is
// logged and announced in every chat.
type ChooseStuck struct {
	Actor    Actor
	Proposal int
	Option   string
}

func (c ChooseStuck) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	pr := p.Proposal(c.Proposal)
	valid := slices.Contains(p.stuckOptionsOffered(), c.Option)
	if pr == nil || !valid || pr.FailedCycles < StuckAfter {
		return nil, Refuse(ErrButtonExpired)
	}
	if pr.StuckChoice != "" {
		return replyOnly(private(L(MsgStuckAlready, "proposal", pr.N, "option", stuckButton(pr.StuckChoice)))), nil
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&StuckChosen{Proposal: pr.N, Option: c.Option})
	for _, chat := range p.Chats() {
		b.send(Message{To: ToChat(chat), Lines: []Line{L(MsgStuckChosen, "proposal", pr.N, "option", stuckButton(c.Option)), L(stuckKey(c.Option))}})
	}
	b.reply(private(L(MsgStuckChosen, "proposal", pr.N, "option", stuckButton(c.Option))))
	return b.decision(), nil
}

// objectionWithdrawnNotices tell the facilitators and the proposer that an
// objection was withdrawn (by name where they may see it).
func (p *Process) objectionWithdrawnNotices(o *Objection, pr *Proposal) []Message {
	var out []Message
	for _, to := range p.facilitatorsAndProposer(pr) {
		line := L(MsgObjectionWithdrawnUnnamed, "id", o.ID, "group", p.groupName(o.Group))
		if p.namedFor(to, o.Group) {
			line = L(MsgObjectionWithdrawnBy, "id", o.ID, "name", o.Name)
		}
		out = append(out, Message{To: ToUser(to), Lines: []Line{line}})
	}
	return out
}
