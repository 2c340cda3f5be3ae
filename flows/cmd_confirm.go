package flows

import (
	"slices"
	"strings"
)

// GroupConsented returns nil when group g's consent to version v of pr
// stands: its latest consent round on v passed (or silence was counted),
// or v is an editorial amendment and g's consent to the version before it
// stands. Otherwise it returns a *UserError that says what is still open.
func (p *Process) GroupConsented(pr *Proposal, v int, g GroupID) error {
	revoked := pr.Revoked[v][g]
	for i := len(p.Rounds) - 1; i >= 0; i-- {
		r := p.Rounds[i]
		if !r.Def.Consent || r.Proposal != pr.N || r.Version != v || !slices.Contains(r.Groups, g) {
			continue
		}
		if r.N <= revoked {
			return Refuse(ErrConfirmRevoked, "proposal", pr.N, "v", v)
		}
		d := r.Decisions[g]
		switch {
		case d == nil:
			return Refuse(ErrConfirmRoundOpen, "n", r.N, "proposal", pr.N, "v", v)
		case d.Outcome == OutcomePassed || d.Outcome == OutcomeSilence:
			return nil
		case d.Outcome == OutcomeBlocked && len(p.standingObjections(r, g)) == 0:
			return Refuse(ErrConfirmNeedsRound, "n", r.N, "proposal", pr.N, "v", v)
		case d.Outcome == OutcomeBlocked:
			return Refuse(ErrConfirmObjection, "proposal", pr.N, "v", v, "objections", len(p.standingObjections(r, g)))
		default:
			return Refuse(ErrConfirmNoDecision, "n", r.N, "proposal", pr.N, "v", v)
		}
	}
	if revoked > 0 {
		return Refuse(ErrConfirmRevoked, "proposal", pr.N, "v", v)
	}
	if ver := pr.Version(v); ver != nil && ver.Change == ChangeEditorial {
		return p.GroupConsented(pr, v-1, g)
	}
	return Refuse(ErrConfirmNoRound, "proposal", pr.N, "v", v)
}

// Confirm is /confirm N (or the button a representative gets when their
// group's round passes): the representative confirms their group's consent
// to the shown version. When every group has confirmed the same version,
// it is adopted.
type Confirm struct {
	Actor    Actor
	Proposal int
}

func (c Confirm) decide(p *Process, env Env) (*Decision, error) {
	g := p.RepOf(c.Actor.User)
	if g == nil {
		return nil, Refuse(ErrRepsOnly)
	}
	if err := p.requireRunning(c.Actor.User); err != nil {
		return nil, err
	}
	pr, err := p.openProposal(c.Proposal)
	if err != nil {
		return nil, err
	}
	if latest := pr.Latest(); latest.V > 1 && latest.Change == "" {
		// A new version is waiting to be classified: confirming the one
		// before it would settle the proposal past the amendment.
		return nil, Refuse(ErrVersionUnclassified, "proposal", pr.N, "v", latest.V)
	}
	v := pr.Shown().V
	if by := pr.Confirmed[v][g.ID]; by != nil {
		return replyOnly(private(L(MsgAlreadyConfirmed, "group", g.Name, "proposal", pr.N, "v", v, "name", by.Name))), nil
	}
	if err := p.GroupConsented(pr, v, g.ID); err != nil {
		return nil, err
	}
	name := p.Members[c.Actor.User].Name
	b := newBuilder(c.Actor.User, env)
	b.event(&ConsentConfirmed{Proposal: pr.N, V: v, Group: g.ID, Name: name})
	confirmed := 1
	for gid := range pr.Confirmed[v] {
		if gid != g.ID && p.GroupConsented(pr, v, gid) == nil {
			confirmed++
		}
	}
	if confirmed == len(p.Groups) {
		b.event(&ProposalAdopted{Proposal: pr.N, V: v})
		b.sendAfter(func(q *Process) []Message { return q.adoption(q.Proposal(pr.N)) })
		b.reply(private(L(MsgConfirmedYou, "group", g.Name, "proposal", pr.N, "v", v)))
		return b.decision(), nil
	}
	line := L(MsgConfirmed, "name", name, "group", g.Name, "proposal", pr.N, "v", v, "count", confirmed, "total", len(p.Groups))
	b.send(Message{To: ToChat(g.Chat), Lines: []Line{line}})
	if p.Joint != "" {
		b.send(Message{To: ToChat(p.Joint), Lines: []Line{line}})
	}
	reply := private(L(MsgConfirmedYou, "group", g.Name, "proposal", pr.N, "v", v))
	reply.Buttons = [][]Button{{{Label: L(BtnUnconfirm), Intent: Intent{Do: DoUnconfirm, Process: p.ID, N: pr.N}}}}
	b.reply(reply)
	return b.decision(), nil
}

// adoption announces an adopted proposal in every chat, with the concerns
// recorded on the way, which become evaluation points.
func (p *Process) adoption(pr *Proposal) []Message {
	v := pr.Version(pr.Adopted)
	lines := []Line{L(MsgAdopted, "proposal", pr.N, "v", v.V), L(MsgQuote, "text", v.Text)}
	var names []string
	for _, g := range p.Groups {
		if c := pr.Confirmed[v.V][g.ID]; c != nil {
			names = append(names, c.Name+" ("+g.Name+")")
		}
	}
	lines = append(lines, L(MsgAdoptedBy, "names", strings.Join(names, ", ")))
	for _, concern := range p.concernsOn(pr, v.V) {
		lines = append(lines, L(MsgEvaluationPoint, "text", concern))
	}
	var out []Message
	for _, chat := range p.Chats() {
		out = append(out, Message{To: ToChat(chat), Lines: lines})
	}
	return out
}

// concernsOn returns the concerns recorded in consent rounds on version v
// of pr and on the versions whose consent carried over to it.
func (p *Process) concernsOn(pr *Proposal, v int) []string {
	var out []string
	for {
		for _, r := range p.Rounds {
			if !r.Def.Consent || r.Proposal != pr.N || r.Version != v {
				continue
			}
			for _, u := range sortedKeys(r.Votes) {
				if vote := r.Votes[u]; vote.Choice == VoteConcern {
					out = append(out, vote.Concern)
				}
			}
		}
		if ver := pr.Version(v); ver == nil || ver.Change != ChangeEditorial {
			return out
		}
		v--
	}
}

// StartUnconfirm is the representative's button under their confirmation:
// the bot asks for the reason first.
type StartUnconfirm struct {
	Actor    Actor
	Proposal int
}

func (c StartUnconfirm) decide(p *Process, _ Env) (*Decision, error) {
	g, pr, v, err := p.confirmedBy(c.Actor, c.Proposal)
	if err != nil {
		return nil, err
	}
	m := private(L(MsgUnconfirmAsk, "group", g.Name, "proposal", pr.N, "v", v))
	return &Decision{Await: &Await{Process: p.ID, Purpose: PurposeUnconfirm, N: pr.N}, Reply: &m}, nil
}

func (p *Process) confirmedBy(a Actor, n int) (*Group, *Proposal, int, error) {
	g := p.RepOf(a.User)
	if g == nil {
		return nil, nil, 0, Refuse(ErrRepsOnly)
	}
	pr, err := p.openProposal(n)
	if err != nil {
		return nil, nil, 0, err
	}
	v := pr.Shown().V
	if pr.Confirmed[v][g.ID] == nil {
		return nil, nil, 0, Refuse(ErrNotConfirmed, "group", g.Name, "proposal", pr.N, "v", v)
	}
	return g, pr, v, nil
}

// WithdrawConfirmation withdraws a group's confirmation before adoption,
// with a reason: the group's consent no longer counts and integration
// reopens (method.md §3b).
type WithdrawConfirmation struct {
	Actor    Actor
	Proposal int
	Reason   string
}

func (c WithdrawConfirmation) decide(p *Process, env Env) (*Decision, error) {
	g, pr, v, err := p.confirmedBy(c.Actor, c.Proposal)
	if err != nil {
		return nil, err
	}
	reason, err := reasonText(c.Reason)
	if err != nil {
		return nil, err
	}
	b := newBuilder(c.Actor.User, env)
	b.d.Done = true
	b.event(&ConfirmationWithdrawn{Proposal: pr.N, V: v, Group: g.ID, Reason: reason, UpToRound: len(p.Rounds)})
	name := p.Members[c.Actor.User].Name
	line := L(MsgUnconfirmed, "name", name, "group", g.Name, "proposal", pr.N, "v", v, "reason", reason)
	for _, chat := range p.Chats() {
		b.send(Message{To: ToChat(chat), Lines: []Line{line}})
	}
	for _, f := range p.FacilitatorIDs() {
		b.send(Message{To: ToUser(f), Lines: []Line{line, L(MsgUnconfirmedNext, "proposal", pr.N)}})
	}
	b.reply(private(L(MsgUnconfirmedYou, "proposal", pr.N, "v", v)))
	return b.decision(), nil
}
