package flows

import (
	"slices"
	"strings"
)

// NominateRep is /rep, as a reply to a member's message or naming them: the
// facilitator proposes a representative for the member's group. The group
// may object within the window; the person accepts with a button.
type NominateRep struct {
	Actor  Actor
	Target UserID // resolved by the caller from the reply or mention
	Named  string // the name written after /rep, if no one was resolved
}

func (c NominateRep) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	g := p.GroupByChat(c.Actor.Chat.ID)
	if g == nil {
		return nil, Refuse(ErrRepInGroup)
	}
	target := c.Target
	if target == "" && c.Named != "" {
		name := strings.TrimPrefix(strings.TrimSpace(c.Named), "@")
		for _, m := range p.MembersOf(g.ID) {
			if strings.EqualFold(m.Name, name) {
				target = m.User
			}
		}
	}
	if target == "" {
		return nil, Refuse(ErrRepWho)
	}
	m := p.Members[target]
	if m == nil || m.Group != g.ID {
		return nil, Refuse(ErrRepNotMember, "group", g.Name)
	}
	if slices.Contains(g.Reps, target) {
		return replyOnly(private(L(MsgAlreadyRep, "name", m.Name, "group", g.Name))), nil
	}
	taken := len(g.Reps)
	for _, n := range p.Nominations {
		if n.Group == g.ID && n.Pending() {
			if n.User == target {
				return replyOnly(private(L(MsgAlreadyNominated, "name", m.Name))), nil
			}
			taken++
		}
	}
	if taken >= MaxReps {
		return nil, Refuse(ErrRepsFull, "group", g.Name, "max", MaxReps)
	}
	n := Nomination{ID: len(p.Nominations) + 1, Group: g.ID, User: target, Name: m.Name, By: c.Actor.User, Until: env.Now.Add(p.RepWindow())}
	b := newBuilder(c.Actor.User, env)
	b.event(&RepNominated{Nomination: n})
	until := Zoned{n.Until, p.TimeZone()}
	b.send(Message{To: ToChat(g.Chat),
		Lines:   []Line{L(MsgRepProposed, "name", m.Name, "group", g.Name, "until", until)},
		Buttons: [][]Button{{{Label: L(BtnRepObject), Intent: Intent{Do: DoRepObject, Process: p.ID, N: n.ID}}}}})
	b.send(Message{To: ToUser(target),
		Lines: []Line{L(MsgRepAsk, "group", g.Name, "title", p.Title, "until", until)},
		Buttons: [][]Button{{
			{Label: L(BtnRepAccept), Intent: Intent{Do: DoRepAnswer, Process: p.ID, N: n.ID, Arg: "yes"}},
			{Label: L(BtnRepDecline), Intent: Intent{Do: DoRepAnswer, Process: p.ID, N: n.ID, Arg: "no"}},
		}}})
	b.reply(private(L(MsgRepNominated, "name", m.Name, "group", g.Name, "until", until)))
	return b.decision(), nil
}

// pendingNomination returns nomination id if it can still go ahead.
func (p *Process) pendingNomination(id int) (*Nomination, error) {
	n := p.Nomination(id)
	if n == nil || !n.Pending() {
		return nil, Refuse(ErrButtonExpired)
	}
	return n, nil
}

// StartRepObjection is a group member's button under a nomination: the bot
// asks, privately, what the objection is.
type StartRepObjection struct {
	Actor      Actor
	Nomination int
}

func (c StartRepObjection) decide(p *Process, env Env) (*Decision, error) {
	n, err := p.mayObjectToRep(c.Actor, c.Nomination, env)
	if err != nil {
		return nil, err
	}
	m := private(L(MsgRepObjectAsk, "name", n.Name))
	return &Decision{Await: &Await{Process: p.ID, Purpose: PurposeRepObjection, N: n.ID}, Reply: &m}, nil
}

func (p *Process) mayObjectToRep(a Actor, id int, env Env) (*Nomination, error) {
	n, err := p.pendingNomination(id)
	if err != nil {
		return nil, err
	}
	m := p.Members[a.User]
	switch {
	case m == nil || m.Group != n.Group:
		return nil, Refuse(ErrRepObjectOwnGroup, "group", p.groupName(n.Group))
	case a.User == n.User:
		return nil, Refuse(ErrRepObjectSelf)
	case !env.Now.Before(n.Until):
		return nil, Refuse(ErrRepWindowClosed)
	}
	return n, nil
}

// ObjectToRep records a member's objection to a nomination, with its
// reason; while it stands the person does not become representative.
type ObjectToRep struct {
	Actor      Actor
	Nomination int
	Reason     string
}

func (c ObjectToRep) decide(p *Process, env Env) (*Decision, error) {
	n, err := p.mayObjectToRep(c.Actor, c.Nomination, env)
	if err != nil {
		return nil, err
	}
	reason, err := reasonText(c.Reason)
	if err != nil {
		return nil, err
	}
	m := p.Members[c.Actor.User]
	b := newBuilder(c.Actor.User, env)
	b.d.Done = true
	b.event(&RepObjected{ID: n.ID, Objection: RepObjection{By: c.Actor.User, Name: m.Name, Reason: reason}})
	g := p.Group(n.Group)
	b.send(Message{To: ToChat(g.Chat), Lines: []Line{L(MsgRepObjectedGroup, "name", n.Name)}})
	for _, f := range p.FacilitatorIDs() {
		b.send(Message{To: ToUser(f),
			Lines:   []Line{L(MsgRepObjectedFacilitator, "by", m.Name, "name", n.Name, "group", g.Name, "reason", reason)},
			Buttons: [][]Button{{{Label: L(BtnRepWithdraw, "name", n.Name), Intent: Intent{Do: DoRepWithdraw, Process: p.ID, N: n.ID}}}}})
	}
	b.reply(private(L(MsgRepObjectionNoted, "name", n.Name)))
	return b.decision(), nil
}

// AnswerNomination is the nominee's answer.
type AnswerNomination struct {
	Actor      Actor
	Nomination int
	Accept     bool
}

func (c AnswerNomination) decide(p *Process, env Env) (*Decision, error) {
	n, err := p.pendingNomination(c.Nomination)
	if err != nil {
		return nil, err
	}
	if n.User != c.Actor.User {
		return nil, Refuse(ErrNotYourNomination)
	}
	if n.Accepted && c.Accept {
		return replyOnly(private(L(MsgRepAcceptedAlready))), nil
	}
	g := p.Group(n.Group)
	b := newBuilder(c.Actor.User, env)
	b.event(&RepAnswered{ID: n.ID, Accepted: c.Accept})
	if !c.Accept {
		b.send(Message{To: ToChat(g.Chat), Lines: []Line{L(MsgRepDeclined, "name", n.Name)}})
		b.reply(private(L(MsgRepDeclinedYou)))
		return b.decision(), nil
	}
	switch {
	case len(n.Objected) > 0:
		b.reply(private(L(MsgRepAcceptedObjected)))
	case !env.Now.Before(n.Until):
		p.installRep(b, n)
	default:
		b.reply(private(L(MsgRepAcceptedWait, "until", Zoned{n.Until, p.TimeZone()})))
	}
	return b.decision(), nil
}

// installRep makes an accepted nominee representative and says so.
func (p *Process) installRep(b *builder, n *Nomination) {
	g := p.Group(n.Group)
	b.event(&RepInstalled{ID: n.ID})
	b.send(Message{To: ToChat(g.Chat), Lines: []Line{L(MsgRepInstalled, "name", n.Name, "group", g.Name)}})
	if p.Joint != "" {
		b.send(Message{To: ToChat(p.Joint), Lines: []Line{L(MsgRepInstalled, "name", n.Name, "group", g.Name)}})
	}
	b.send(Message{To: ToUser(n.User), Lines: []Line{L(MsgRepInstalledYou, "group", g.Name)}})
}

// WithdrawNomination is the facilitator's button after an objection to a
// nomination: it does not go ahead.
type WithdrawNomination struct {
	Actor      Actor
	Nomination int
}

func (c WithdrawNomination) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	n, err := p.pendingNomination(c.Nomination)
	if err != nil {
		return nil, err
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&NominationWithdrawn{ID: n.ID})
	b.send(Message{To: ToChat(p.Group(n.Group).Chat), Lines: []Line{L(MsgNominationWithdrawn, "name", n.Name)}})
	b.send(Message{To: ToUser(n.User), Lines: []Line{L(MsgNominationWithdrawnYou, "group", p.groupName(n.Group))}})
	for _, o := range n.Objected {
		b.send(Message{To: ToUser(o.By), Lines: []Line{L(MsgNominationWithdrawnObjector, "name", n.Name)}})
	}
	b.reply(private(L(MsgNominationWithdrawn, "name", n.Name)))
	return b.decision(), nil
}
