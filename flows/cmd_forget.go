package flows

// Forget is one process's part of /forget: the person leaves the process
// and its log records that they asked to be forgotten, under the alias they
// get. The erasure itself is a rewrite of the log (Pseudonymise), which the
// bot does right after this commit; until it has, the process lists the
// person as Erasing, so an interrupted erasure is finished later.
type Forget struct {
	Actor Actor
	// NameFor renders what the n-th forgotten person is called from now
	// on, in the process's language (MsgForgottenName).
	NameFor func(n int) string
}

func (c Forget) decide(p *Process, env Env) (*Decision, error) {
	u := c.Actor.User
	if p.IsFacilitator(u) && len(p.Facilitators) == 1 {
		return nil, Refuse(ErrForgetSoleFacilitator, "title", p.Title)
	}
	b := newBuilder(u, env)
	if m := p.Members[u]; m != nil {
		g := p.Group(m.Group)
		p.passTurnsOf(b, m, env)
		b.event(&MemberLeft{User: u})
		b.send(Message{To: ToChat(g.Chat), Lines: []Line{L(MsgMemberLeft, "name", m.Name)}})
		b.refreshChat(g.Chat, env)
		if m.Joint && p.Joint != "" {
			b.refreshChat(p.Joint, env)
		}
	}
	n := p.Forgotten + 1
	b.event(&PersonForgotten{User: u, Alias: AliasUser(n), Name: c.NameFor(n)})
	return b.decision(), nil
}

// PersonForgotten records that User asked to be forgotten and is Alias in
// this log from now on. The erasure's rewrite turns User into Alias here
// too; while they differ the erasure is unfinished.
type PersonForgotten struct {
	User  UserID `json:"user"`
	Alias UserID `json:"alias"`
	Name  string `json:"name"`
}

func (*PersonForgotten) EventType() string { return "person_forgotten" }
func (ev *PersonForgotten) apply(p *Process, e *Event) {
	if f := p.Facilitators[ev.User]; f != nil {
		// What they did as facilitator stays in the record, by their alias.
		if p.Former == nil {
			p.Former = map[UserID]*Facilitator{}
		}
		p.Former[ev.User] = f
		delete(p.Facilitators, ev.User)
	}
	delete(p.Members, ev.User)
	p.membersChanged()
	p.Forgotten++
	if ev.User != ev.Alias {
		p.Erasing = append(p.Erasing, ev.User)
	}
}
