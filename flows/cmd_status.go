package flows

import "strings"

// ShowStatus is /status: phase, groups, open rounds and participation.
type ShowStatus struct{ Actor Actor }

func (c ShowStatus) decide(p *Process, env Env) (*Decision, error) {
	lines := p.statusLines(env)
	if p.IsFacilitator(c.Actor.User) && c.Actor.Chat.Private {
		// Who has not answered is for the facilitator's eyes only.
		lines = append(lines, p.waitingLines(env)...)
	}
	return replyOnly(here(lines...)), nil
}

func (p *Process) statusLines(env Env) []Line {
	lines := []Line{L(MsgStatusHeader, "title", p.Title, "code", p.ID), p.phaseLine()}
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
		lines = append(lines, L(MsgStatusGroup, "group", g.Name, "platform", g.Platform(), "members", len(members)))
	}
	if p.Joint != "" {
		lines = append(lines, L(MsgStatusJoint, "members", joint))
	}
	open := p.OpenRounds()
	if len(open) == 0 {
		lines = append(lines, L(MsgStatusNoRound))
	}
	for _, r := range open {
		if dl := r.closesAt(); dl.IsZero() {
			lines = append(lines, L(MsgStatusRound, "n", r.N, "kind", r.Def.Title))
		} else {
			lines = append(lines, L(MsgStatusRoundDeadline, "n", r.N, "kind", r.Def.Title, "deadline", Zoned{dl, p.TimeZone()}))
		}
		if r.Def.Consent {
			continue // shown in the consent matrix below
		}
		for _, pr := range p.Progress(r, env) {
			name := "?"
			if g := p.Group(pr.Group); g != nil {
				name = g.Name
			}
			lines = append(lines, L(MsgStatusProgress, "group", name, "answered", pr.Answered, "members", pr.Members, "passed", pr.Passed))
		}
	}
	lines = append(lines, p.consentMatrix()...)
	lines = append(lines, p.voiceLines(env)...)
	if !p.PausedAt.IsZero() {
		lines = append(lines, L(MsgStatusPaused, "since", Zoned{p.PausedAt, p.TimeZone()}))
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

// consentMatrix shows, per proposal and group, where consent stands on the
// version the groups see: answers against the quorum, consents, concerns,
// standing objections, and who confirmed.
func (p *Process) consentMatrix() []Line {
	var lines []Line
	for _, pr := range p.Proposals {
		v := pr.Shown()
		if pr.Adopted > 0 {
			lines = append(lines, L(MsgStatusAdopted, "proposal", pr.N, "v", pr.Adopted))
			continue
		}
		lines = append(lines, L(MsgStatusProposal, "proposal", pr.N, "v", v.V))
		r := p.latestConsentRound(pr, v.V)
		for _, g := range p.Groups {
			state := p.consentState(pr, v.V, g.ID)
			if r == nil {
				lines = append(lines, L(MsgStatusConsentNone, "group", g.Name, "state", state))
				continue
			}
			t := p.ConsentTally(r, g.ID)
			if d := r.Decisions[g.ID]; d != nil {
				t.Members, t.Required, t.Answered, t.Consents, t.Concerns, t.Objections = d.Members, d.Required, d.Answered, d.Consents, d.Concerns, d.Objections
			}
			by := ""
			if c := pr.Confirmed[v.V][g.ID]; c != nil {
				by = c.Name
			}
			lines = append(lines, L(MsgStatusConsent, "group", g.Name, "answered", t.Answered, "required", t.Required,
				"consents", t.Consents, "concerns", t.Concerns, "objections", t.Objections, "state", state))
			if by != "" {
				lines = append(lines, L(MsgStatusConfirmedBy, "name", by))
			}
		}
	}
	return lines
}

// latestConsentRound is the newest consent round on version v of pr (or,
// for an editorial version, on the version its consent carries from).
func (p *Process) latestConsentRound(pr *Proposal, v int) *Round {
	for ; v >= 1; v-- {
		for i := len(p.Rounds) - 1; i >= 0; i-- {
			if r := p.Rounds[i]; r.Def.Consent && r.Proposal == pr.N && r.Version == v {
				return r
			}
		}
		if ver := pr.Version(v); ver == nil || ver.Change != ChangeEditorial {
			return nil
		}
	}
	return nil
}
