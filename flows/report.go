package flows

import (
	"strings"
	"time"
)

// Report builds the record (verslag) of a process from its state and its
// log: settings, groups, every round with its summary (anonymous answers
// unattributed), every proposal version with what changed and the consent
// results per group, objections and how each was integrated, concerns,
// representatives, confirmations, and every facilitator intervention with
// its reason. events is the whole log, in order. Lines starting with "#"
// in the catalog are headings.
func Report(p *Process, events []Event, env Env) []Line {
	zone := p.TimeZone()
	at := func(t time.Time) Zoned { return Zoned{t, zone} }
	var out []Line
	add := func(lines ...Line) { out = append(out, lines...) }

	add(L(MsgRecordTitle, "title", p.Title),
		L(MsgRecordMeta, "code", p.ID, "template", p.Template.Title, "date", at(env.Now)))

	lang := p.Locale()
	add(L(MsgRecordSectionFrame))
	for _, s := range []struct {
		key  string
		line MsgKey
	}{{SetKaders, MsgShowKaders}, {SetRules, MsgShowRules}, {SetCommitment, MsgShowCommitment}} {
		if text := p.SettingText(s.key, lang); text != "" {
			add(L(s.line, "text", text))
		}
	}
	quorum, _ := p.SettingValue(SetQuorum)
	add(L(MsgRecordSettings, "quorum", quorum, "silence", p.Silence(), "votes", p.VotesShown()))

	add(L(MsgRecordSectionGroups))
	for _, g := range p.Groups {
		var reps []string
		for _, u := range g.Reps {
			if m := p.Members[u]; m != nil {
				reps = append(reps, m.Name)
			}
		}
		add(L(MsgRecordGroup, "group", g.Name, "platform", g.Platform(), "members", len(p.MembersOf(g.ID)), "reps", orDash(strings.Join(reps, ", "))))
	}
	var facilitators []string
	for _, f := range p.FacilitatorIDs() {
		facilitators = append(facilitators, p.Facilitators[f].Name)
	}
	add(L(MsgRecordFacilitators, "names", strings.Join(facilitators, ", ")))
	for _, e := range events {
		if f, ok := e.Data.(*PersonForgotten); ok {
			add(L(MsgRecordForgotten, "date", at(e.At), "name", f.Name))
		}
	}

	add(L(MsgRecordSectionRounds))
	if len(p.Rounds) == 0 {
		add(L(MsgRecordNone))
	}
	for _, r := range p.Rounds {
		add(p.reportRound(r, env, at)...)
	}

	add(L(MsgRecordSectionProposals))
	if len(p.Proposals) == 0 {
		add(L(MsgRecordNone))
	}
	for _, pr := range p.Proposals {
		add(p.reportProposal(pr, events, at)...)
	}

	add(L(MsgRecordSectionObjections))
	if len(p.Objections) == 0 {
		add(L(MsgRecordNone))
	}
	for _, o := range p.Objections {
		add(objectionLines(o, p.groupName(o.Group), false)...)
		switch o.State {
		case ObjectionResolved:
			add(L(MsgRecordObjectionResolved, "v", o.ResolvedOn))
		case ObjectionIsWithdrawn:
			add(L(MsgRecordObjectionWithdrawn))
		default:
			add(L(MsgRecordObjectionOpen))
		}
	}

	add(L(MsgRecordSectionConcerns))
	concerns := 0
	for _, r := range p.Rounds {
		if !r.Def.Consent {
			continue
		}
		for _, u := range sortedKeys(r.Votes) {
			if v := r.Votes[u]; v.Choice == VoteConcern {
				concerns++
				add(L(MsgRecordConcern, "proposal", r.Proposal, "v", r.Version, "group", p.groupName(v.Group), "text", v.Concern))
			}
		}
	}
	if concerns == 0 {
		add(L(MsgRecordNone))
	}

	add(L(MsgRecordSectionReps))
	if len(p.Nominations) == 0 {
		add(L(MsgRecordNone))
	}
	for _, n := range p.Nominations {
		state := MsgRecordNominationPending
		switch {
		case !n.Installed.IsZero():
			state = MsgRecordNominationInstalled
		case n.Withdrawn:
			state = MsgRecordNominationWithdrawn
		case n.Declined:
			state = MsgRecordNominationDeclined
		}
		add(L(MsgRecordNomination, "name", n.Name, "group", p.groupName(n.Group), "state", state))
		for _, o := range n.Objected {
			add(L(MsgRecordNominationObjection, "reason", o.Reason))
		}
	}

	add(L(MsgRecordSectionInterventions))
	interventions := p.reportInterventions(events, at)
	if len(interventions) == 0 {
		add(L(MsgRecordNone))
	}
	add(interventions...)

	add(L(MsgRecordSectionEvaluation))
	if d, ok := p.Set[SetEvaluation]; ok {
		add(L(MsgPlanEvaluation, "date", d))
	} else {
		add(L(MsgRecordNone))
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// reportRound is one round in the record: when, where, the prompt, and what
// was said (as it was shared), or the consent results.
func (p *Process) reportRound(r *Round, env Env, at func(time.Time) Zoned) []Line {
	var lines []Line
	if r.Def.Consent {
		lines = append(lines, L(MsgRecordConsentRound, "n", r.N, "proposal", r.Proposal, "v", r.Version))
	} else {
		lines = append(lines, L(MsgRecordRound, "n", r.N, "kind", r.Def.Title))
	}
	where := p.scopeNames(r)
	if r.Open() {
		lines = append(lines, L(MsgRecordRoundOpen, "opened", at(r.Opened), "where", where))
	} else {
		lines = append(lines, L(MsgRecordRoundTimes, "opened", at(r.Opened), "closed", at(r.Closed), "where", where))
	}
	if r.Def.Consent {
		for _, g := range p.Groups {
			if d := r.Decisions[g.ID]; d != nil {
				lines = append(lines, L(MsgResultsGroup, "group", g.Name, "outcome", outcomeKey(d.Outcome),
					"answered", d.Answered, "members", d.Members, "consents", d.Consents, "concerns", d.Concerns, "objections", d.Objections))
			}
		}
		return lines
	}
	lines = append(lines, p.promptLine(r))
	if r.Open() {
		return lines
	}
	if !r.Relayed {
		lines = append(lines, L(MsgRecordNotRelayed))
	}
	return append(lines, p.summary(r, env)...)
}

// scopeNames names where a round was held: group names, or the joint
// circle (a catalog text).
func (p *Process) scopeNames(r *Round) any {
	if r.Joint {
		return MsgRecordJoint
	}
	var names []string
	for _, g := range r.Groups {
		names = append(names, p.groupName(g))
	}
	return strings.Join(names, ", ")
}

// reportProposal is a proposal in the record: every version with what
// changed and why, the confirmations and withdrawals, and adoption.
func (p *Process) reportProposal(pr *Proposal, events []Event, at func(time.Time) Zoned) []Line {
	lines := []Line{L(MsgRecordProposal, "proposal", pr.N)}
	for _, v := range pr.Versions {
		lines = append(lines, L(MsgRecordVersion, "v", v.V, "name", v.AuthorName, "date", at(v.At)), L(MsgQuote, "text", v.Text))
		if v.V > 1 {
			if v.Change == "" {
				lines = append(lines, L(MsgRecordUnclassified))
			} else {
				lines = append(lines, L(MsgRecordChange, "change", changeKey(v.Change), "reason", v.Reason))
			}
			lines = append(lines, diffLines(pr.Version(v.V-1).Text, v.Text)...)
		}
		for _, r := range p.Rounds {
			if r.Def.Consent && r.Proposal == pr.N && r.Version == v.V && !r.Open() {
				lines = append(lines, L(MsgRecordConsentIn, "n", r.N))
				for _, g := range p.Groups {
					if d := r.Decisions[g.ID]; d != nil {
						lines = append(lines, L(MsgResultsGroup, "group", g.Name, "outcome", outcomeKey(d.Outcome),
							"answered", d.Answered, "members", d.Members, "consents", d.Consents, "concerns", d.Concerns, "objections", d.Objections))
					}
				}
			}
		}
		if v.Change == ChangeEditorial {
			lines = append(lines, L(MsgConsentCarries, "v", v.V-1))
		}
		for _, g := range p.Groups {
			if c := pr.Confirmed[v.V][g.ID]; c != nil {
				lines = append(lines, L(MsgRecordConfirmed, "group", g.Name, "name", c.Name, "date", at(c.At)))
			}
		}
	}
	for _, e := range events {
		if ev, ok := e.Data.(*ConfirmationWithdrawn); ok && ev.Proposal == pr.N {
			lines = append(lines, L(MsgRecordUnconfirmed, "group", p.groupName(ev.Group), "v", ev.V, "date", at(e.At), "reason", ev.Reason))
		}
	}
	if pr.Adopted > 0 {
		lines = append(lines, L(MsgRecordAdopted, "v", pr.Adopted, "date", at(pr.AdoptedAt)))
	} else {
		lines = append(lines, L(MsgRecordNotAdopted))
	}
	return lines
}

// reportInterventions lists what facilitators did that steers the process,
// with the reasons they gave.
func (p *Process) reportInterventions(events []Event, at func(time.Time) Zoned) []Line {
	var lines []Line
	for _, e := range events {
		f := p.Facilitators[e.Actor]
		if f == nil {
			f = p.Former[e.Actor]
		}
		if f == nil {
			continue
		}
		when, who := at(e.At), f.Name
		var line *Line
		switch ev := e.Data.(type) {
		case *Intervened:
			note := ev.Note
			if note == "" {
				note = "—"
			}
			if ev.What == InterventionSilence {
				line = ptr(L(MsgRecordSilence, "date", when, "name", who, "group", p.groupName(ev.Group), "n", ev.Round, "note", note))
			} else {
				line = ptr(L(MsgRecordCloseEarly, "date", when, "name", who, "n", ev.Round, "note", note))
			}
		case *VersionClassified:
			line = ptr(L(MsgRecordClassified, "date", when, "name", who, "proposal", ev.Proposal, "v", ev.V, "change", changeKey(ev.Change), "reason", ev.Reason))
		case *ConsentExtended:
			line = ptr(L(MsgRecordExtended, "date", when, "name", who, "group", p.groupName(ev.Group), "n", ev.Round, "deadline", at(ev.Deadline)))
		case *StuckChosen:
			line = ptr(L(MsgRecordStuck, "date", when, "name", who, "proposal", ev.Proposal, "option", stuckButton(ev.Option)))
		case *NominationWithdrawn:
			line = ptr(L(MsgRecordNominationWithdrawnBy, "date", when, "name", who, "nominee", p.Nomination(ev.ID).Name))
		case *SummaryRelayed:
			line = ptr(L(MsgRecordRelayed, "date", when, "name", who, "n", ev.Round))
		case *SettingChanged:
			line = ptr(L(MsgRecordSetting, "date", when, "name", who, "key", ev.Key, "value", ev.Value))
		case *AnswerHidden:
			line = ptr(L(MsgRecordHidden, "date", when, "name", who, "n", ev.Round, "note", ev.Reason))
		case *SynthesisAdded:
			line = ptr(L(MsgRecordSynthesis, "date", when, "name", who, "n", ev.Round))
		case *RoundReopened:
			line = ptr(L(MsgRecordReopened, "date", when, "name", who, "n", ev.Round, "note", orDash(ev.Note)))
		case *Paused:
			line = ptr(L(MsgRecordPaused, "date", when, "name", who))
		case *Resumed:
			line = ptr(L(MsgRecordResumed, "date", when, "name", who))
		case *TemplateChosen:
			line = ptr(L(MsgRecordTemplate, "date", when, "name", who, "template", ev.Template.Title))
		}
		if line != nil {
			lines = append(lines, *line)
		}
	}
	return lines
}

func ptr[T any](v T) *T { return &v }
