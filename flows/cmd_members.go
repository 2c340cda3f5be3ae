package flows

import (
	"slices"
	"strings"
)

const maxNameRunes = 40

// joinOffer is the message that shows a group's rules with the button that
// joins it: pressing the button is consenting to what the message shows.
func (p *Process) joinOffer(g *Group) Message {
	lang := p.Locale()
	lines := []Line{L(MsgJoinOffer, "group", g.Name, "title", p.Title)}
	if k := p.SettingText(SetKaders, lang); k != "" {
		lines = append(lines, L(MsgShowKaders, "text", k))
	}
	if r := p.SettingText(SetRules, lang); r != "" {
		lines = append(lines, L(MsgShowRules, "text", r))
	}
	lines = append(lines, p.decisionRules()...)
	lines = append(lines, L(MsgJoinConsent))
	return Message{
		Lines:   lines,
		Buttons: [][]Button{{{Label: L(BtnJoin), Intent: Intent{Do: DoJoin, Process: p.ID, Group: g.ID}}}},
	}
}

// Join is /join in a group's chat (shows the rules and the button to join)
// or in the joint chat (a member takes part in joint rounds).
type Join struct{ Actor Actor }

func (c Join) decide(p *Process, env Env) (*Decision, error) {
	if p.IsFacilitator(c.Actor.User) {
		return nil, Refuse(ErrFacilitatorJoins)
	}
	chat := c.Actor.Chat.ID
	if p.Joint != "" && chat == p.Joint {
		m := p.Members[c.Actor.User]
		switch {
		case m == nil:
			return nil, Refuse(ErrJointNeedsGroup)
		case m.Joint:
			return replyOnly(here(L(MsgAlreadyInJoint, "name", m.Name))), nil
		}
		b := newBuilder(c.Actor.User, env)
		b.event(&JointJoined{User: c.Actor.User})
		b.reply(here(L(MsgJointWelcome, "name", m.Name, "group", p.Group(m.Group).Name)))
		b.refreshChat(chat, env)
		return b.decision(), nil
	}
	g := p.GroupByChat(chat)
	if g == nil {
		return nil, Refuse(ErrJoinInGroup)
	}
	if m := p.Members[c.Actor.User]; m != nil {
		return replyOnly(here(alreadyMember(p, m))), nil
	}
	return replyOnly(p.joinOffer(g)), nil
}

func alreadyMember(p *Process, m *Member) Line {
	return L(MsgAlreadyMember, "name", m.Name, "group", p.Group(m.Group).Name)
}

// AcceptRules is the join button: the actor consents to the rules shown and
// joins the group, under their first name until they choose another.
type AcceptRules struct {
	Actor Actor
	Group GroupID
}

func (c AcceptRules) decide(p *Process, env Env) (*Decision, error) {
	g := p.Group(c.Group)
	if g == nil {
		return nil, Refuse(ErrButtonExpired)
	}
	if p.IsFacilitator(c.Actor.User) {
		return nil, Refuse(ErrFacilitatorJoins)
	}
	if m := p.Members[c.Actor.User]; m != nil {
		if m.Group != g.ID {
			return nil, Refuse(ErrOtherGroup, "group", p.Group(m.Group).Name)
		}
		return replyOnly(private(alreadyMember(p, m))), nil
	}
	name := cleanName(c.Actor.Name)
	if name == "" {
		name = "?"
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&MemberJoined{User: c.Actor.User, Group: g.ID, Name: name})
	b.send(Message{To: ToChat(g.Chat), Lines: []Line{L(MsgWelcome, "name", name, "group", g.Name)}})
	b.refreshChat(g.Chat, env)
	b.reply(private(L(MsgJoined, "name", name, "group", g.Name, "title", p.Title)))
	p.joinTurns(b, &Member{User: c.Actor.User, Group: g.ID, Name: name}, env)
	for _, r := range p.OpenRounds() {
		if r.Def.Private() && slices.Contains(r.Groups, g.ID) {
			b.send(p.intakeInvite(r, c.Actor.User, L(MsgIntakeInvite, "n", r.N, "kind", r.Def.Title)))
		}
	}
	return b.decision(), nil
}

// Leave is /leave: in the joint chat it leaves only the joint chat; elsewhere
// it leaves the process.
type Leave struct{ Actor Actor }

func (c Leave) decide(p *Process, env Env) (*Decision, error) {
	m := p.Members[c.Actor.User]
	if m == nil {
		return nil, Refuse(ErrNotMember)
	}
	b := newBuilder(c.Actor.User, env)
	if p.Joint != "" && c.Actor.Chat.ID == p.Joint {
		if !m.Joint {
			return nil, Refuse(ErrNotInJoint)
		}
		b.event(&JointLeft{User: c.Actor.User})
		b.reply(here(L(MsgLeftJoint, "name", m.Name)))
		b.refreshChat(p.Joint, env)
		return b.decision(), nil
	}
	g := p.Group(m.Group)
	p.passTurnsOf(b, m, env)
	b.event(&MemberLeft{User: c.Actor.User})
	b.reply(private(L(MsgLeft, "group", g.Name, "title", p.Title)))
	b.send(Message{To: ToChat(g.Chat), Lines: []Line{L(MsgMemberLeft, "name", m.Name)}})
	b.refreshChat(g.Chat, env)
	if m.Joint && p.Joint != "" {
		b.refreshChat(p.Joint, env)
	}
	return b.decision(), nil
}

// Rename is /name ALIAS: the name others see.
type Rename struct {
	Actor Actor
	Name  string
}

func (c Rename) decide(p *Process, env Env) (*Decision, error) {
	m := p.Members[c.Actor.User]
	if m == nil {
		return nil, Refuse(ErrNotMember)
	}
	name := cleanName(c.Name)
	if name == "" {
		return nil, Refuse(ErrNameNeeded, "max", maxNameRunes)
	}
	if len([]rune(name)) > maxNameRunes {
		return nil, Refuse(ErrNameTooLong, "max", maxNameRunes)
	}
	if name == m.Name {
		return replyOnly(private(L(MsgRenamed, "name", name))), nil
	}
	// Unique in the whole process: the joint circle and the summaries
	// shared with every group mix names, and nobody may pass for a
	// facilitator.
	for _, other := range p.Members {
		if other.User != m.User && strings.EqualFold(other.Name, name) {
			return nil, Refuse(ErrNameTaken, "name", name)
		}
	}
	for _, f := range p.Facilitators {
		if strings.EqualFold(f.Name, name) {
			return nil, Refuse(ErrNameTaken, "name", name)
		}
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&MemberRenamed{User: c.Actor.User, Name: name})
	b.reply(private(L(MsgRenamed, "name", name)))
	return b.decision(), nil
}

// decisionRules are the agreements about deciding that people consent to
// when they join: whether silence counts as consent, and a fallback way of
// deciding if integration gets stuck.
func (p *Process) decisionRules() []Line {
	var lines []Line
	if p.Silence() == SilenceConsent {
		lines = append(lines, L(MsgShowSilence))
	}
	if f := p.Set[SetFallback]; f != "" {
		lines = append(lines, L(MsgShowFallback, "text", f))
	}
	return lines
}
