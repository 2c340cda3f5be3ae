package flows

import "strings"

// ShowStatus is /status: phase, groups, open rounds and participation.
type ShowStatus struct{ Actor Actor }

func (c ShowStatus) decide(p *Process, env Env) (*Decision, error) {
	return replyOnly(here(p.statusLines(env)...)), nil
}

func (p *Process) statusLines(env Env) []Line {
	lines := []Line{L(MsgStatusHeader, "title", p.Title, "code", p.ID)}
	if n, step, ok := p.CurrentStep(); ok {
		lines = append(lines, L(MsgStatusStep, "n", n, "steps", len(p.Template.Steps), "kind", p.Template.Kinds[step.Kind].Title))
	} else {
		lines = append(lines, L(MsgStatusNotStarted, "steps", len(p.Template.Steps), "template", p.Template.Title))
	}
	if len(p.Groups) == 0 {
		lines = append(lines, L(MsgStatusNoGroups, "code", p.ID))
	}
	joint := 0
	for _, g := range p.Groups {
		members := p.MembersOf(g.ID)
		for _, m := range members {
			if m.Joint {
				joint++
			}
		}
		lines = append(lines, L(MsgStatusGroup, "group", g.Name, "members", len(members)))
	}
	if p.Joint != "" {
		lines = append(lines, L(MsgStatusJoint, "members", joint))
	}
	open := p.OpenRounds()
	if len(open) == 0 {
		lines = append(lines, L(MsgStatusNoRound))
	}
	for _, r := range open {
		if r.Deadline.IsZero() {
			lines = append(lines, L(MsgStatusRound, "n", r.N, "kind", r.Def.Title))
		} else {
			lines = append(lines, L(MsgStatusRoundDeadline, "n", r.N, "kind", r.Def.Title, "deadline", Zoned{r.Deadline, p.TimeZone()}))
		}
		for _, pr := range p.Progress(r, env) {
			name := "?"
			if g := p.Group(pr.Group); g != nil {
				name = g.Name
			}
			lines = append(lines, L(MsgStatusProgress, "group", name, "answered", pr.Answered, "members", pr.Members, "passed", pr.Passed))
		}
	}
	var names []string
	for _, f := range p.FacilitatorIDs() {
		names = append(names, p.Facilitators[f].Name)
	}
	lines = append(lines, L(MsgStatusFacilitators, "names", strings.Join(names, ", ")))
	return lines
}

// Help is /help (and /start) in a chat of the process: what this person
// can do here and now.
type Help struct{ Actor Actor }

func (c Help) decide(p *Process, env Env) (*Decision, error) {
	lines := []Line{L(MsgHelpIntro, "title", p.Title)}
	switch p.RoleOf(c.Actor.User) {
	case RoleFacilitator:
		lines = append(lines, L(MsgHelpFacilitator, "code", p.ID, "kinds", strings.Join(p.Template.KindNames(), ", ")))
	case RoleMember:
		m := p.Members[c.Actor.User]
		lines = append(lines, L(MsgHelpMember, "name", m.Name, "group", p.Group(m.Group).Name))
		if r := p.OpenRoundIn(c.Actor.Chat.ID); r != nil {
			lines = append(lines, L(MsgHelpAnswer, "n", r.N, "kind", r.Def.Title))
		}
	default:
		if p.GroupByChat(c.Actor.Chat.ID) != nil {
			lines = append(lines, L(MsgHelpGuest))
		} else {
			lines = append(lines, L(MsgHelpOutsider))
		}
	}
	return replyOnly(here(lines...)), nil
}
