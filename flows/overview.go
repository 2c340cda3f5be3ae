package flows

import (
	"cmp"
	"slices"
	"time"
)

// Overview is what a facilitator's dashboard shows of one process: where it
// stands, its groups, every round with its progress, every proposal
// version with its consent matrix, the objections, a timeline of what
// happened and a participation series for a chart.
//
// It holds counts, never answers: no answer's or concern's text, nothing
// per answer, and so no name or user id beside an anonymous answer. People
// are named only where the record (Report) names them: representatives,
// facilitators, proposers, those who confirmed. Objectors are not named
// (the record shows objections without names). Texts are catalog lines;
// round titles and prompts are in the process's language.
type Overview struct {
	ID, Title string
	// Phase is the current step, as /status words it.
	Phase  Line
	Paused bool
	// Created is when the process was created.
	Created time.Time
	// Adopted reports whether some proposal has been adopted.
	Adopted bool
	// Facilitators are the facilitators' names, in the order of their ids.
	Facilitators []string
	Groups       []GroupOverview
	// Joint reports whether a joint chat is linked; JointMembers counts the
	// members who joined it.
	Joint        bool
	JointMembers int
	// Rounds holds every round, newest first.
	Rounds []RoundOverview
	// Proposals holds every proposal with its versions, each version with
	// its consent matrix.
	Proposals []ProposalOverview
	// Objections holds every objection: standing ones first, then by id.
	Objections []ObjectionOverview
	// Timeline holds the significant events, oldest first (see timeline).
	Timeline []TimelineEntry
	// Participation is the cumulative number of contributions over the
	// process's life, for a chart (see participation).
	Participation []ParticipationPoint
}

// GroupOverview is one group: its chat's platform, how many members it
// has, and its representatives' names.
type GroupOverview struct {
	ID       GroupID
	Name     string
	Platform MsgKey
	Members  int
	Reps     []string
}

// RoundOverview is one round: when and where it runs and how far each
// group is.
type RoundOverview struct {
	N    int
	Kind string
	// Title and Prompt are the kind's title and the round's prompt (the
	// facilitator's own, or the kind's) in the process's language.
	Title, Prompt string
	Open          bool
	// Deadline is when the round closes: its deadline, or for a consent
	// round the latest deadline of a group still voting (zero: none).
	Opened, Deadline, Closed time.Time
	// CloseReason says why a closed round closed: ClosedByFacilitator,
	// ClosedAtDeadline or ClosedDecided.
	CloseReason string
	Joint       bool
	// Consent marks a consent round, on version Version of proposal
	// Proposal.
	Consent           bool
	Proposal, Version int
	// Progress is per group in scope; a joint round has one entry, for the
	// joint chat. A closed round shows what it counted at closing, a
	// group's consent what it counted when the group decided.
	Progress []GroupProgress
	// Preview is the summary waiting for approval, as the facilitators'
	// private preview shows it (answers numbered; an anonymous answer
	// without a name); nil unless AwaitsSummary. It is the only place the
	// overview holds answers, and they are what facilitators already see.
	Preview []Line
	// Relayed reports that the summary was shared; AwaitsSummary that the
	// round is closed and its summary waits for a facilitator's approval.
	Relayed, AwaitsSummary bool
}

// GroupProgress is how far a group is in a round: in a consent round,
// Answered counts votes and Passed is zero.
type GroupProgress struct {
	Group GroupID
	// Name is the group's name. The joint chat's entry has Group "joint",
	// no Name, and NameKey naming it (MsgRecordJoint).
	Name                      string
	NameKey                   MsgKey
	Members, Answered, Passed int
}

// ProposalOverview is a proposal with all its versions; Adopted is the
// version adopted (0: none), Shown the version the groups see now.
type ProposalOverview struct {
	N         int
	Adopted   int
	AdoptedAt time.Time
	Shown     int
	Versions  []VersionOverview
}

// VersionOverview is one version of a proposal: its text, its author's
// name, how the facilitator classified it (ChangeSubstantive or
// ChangeEditorial, with the reason; empty for version 1 and for an
// amendment not classified yet), and its consent matrix.
type VersionOverview struct {
	V              int
	Text, Author   string
	At             time.Time
	Change, Reason string
	// Consent has one cell per group of the latest consent round on this
	// version (for an editorial amendment: the round its consent carries
	// over from, as /status shows); empty if there is none.
	Consent []ConsentCell
}

// ConsentCell is where one group stands on one version: the counts of its
// consent round (frozen when the group decided), whether the answers
// reach the quorum, the group's decision, and who confirmed it.
type ConsentCell struct {
	Group GroupID
	Name  string
	Round int
	// Answered counts the members who answered; NoAnswer those who did
	// not. Objections counts standing objections (at the decision: those
	// standing then).
	Members, Required, Answered              int
	Consents, Concerns, Objections, NoAnswer int
	// Quorum reports that the group has members and Answered >= Required.
	Quorum bool
	// Outcome is the group's decision (OutcomePassed, …), "" until it
	// decides.
	Outcome string
	// State is where the group stands on this version, as /status and
	// /plan word it (MsgStateConfirmed, …).
	State MsgKey
	// ConfirmedBy is the representative who confirmed this version for the
	// group, and when; empty if nobody has.
	ConfirmedBy string
	ConfirmedAt time.Time
}

// ObjectionOverview is an overwegend bezwaar with its four fields and
// where its integration stands. Group is the name of the objector's
// group. Name is the objector's name where the record names objectors; the
// record does not, so it is empty.
type ObjectionOverview struct {
	ID, Proposal, Version, Round int
	Group                        string
	Name                         string
	Part, Harm, Need, Notice     string
	// State is ObjectionOpen, ObjectionResolved or ObjectionIsWithdrawn;
	// ResolvedOn is the version that resolved it.
	State      string
	ResolvedOn int
	Standing   bool
	At         time.Time
}

// TimelineEntry is one significant event. Its line does not repeat the
// time. Intervention marks a facilitator's intervention: what the record
// lists under the facilitators' interventions (pausing and resuming,
// hiding an answer, giving more time, counting silence, closing early,
// reopening, classifying an amendment, choosing a way forward, approving a
// summary, settings and the template).
type TimelineEntry struct {
	At           time.Time
	Line         Line
	Intervention bool
}

// ParticipationPoint is the number of contributions in the whole process
// up to At: answers, passes and votes, each person's first in a round.
type ParticipationPoint struct {
	At            time.Time
	Contributions int
}

// Overview builds the dashboard's read model of the process from its state
// and its log (events: the whole log, in order) at env.Now. It reads no
// clock and changes nothing.
func (p *Process) Overview(events []Event, env Env) *Overview {
	o := &Overview{
		ID: p.ID, Title: p.Title, Phase: p.phaseLine(), Paused: !p.PausedAt.IsZero(), Created: p.Created,
		Joint: p.Joint != "",
	}
	for _, f := range p.FacilitatorIDs() {
		o.Facilitators = append(o.Facilitators, p.Facilitators[f].Name)
	}
	for _, g := range p.Groups {
		o.Groups = append(o.Groups, GroupOverview{ID: g.ID, Name: g.Name, Platform: g.Platform(),
			Members: len(p.MembersOf(g.ID)), Reps: p.repNames(g)})
	}
	for _, u := range sortedKeys(p.Members) {
		if p.Members[u].Joint {
			o.JointMembers++
		}
	}
	for i := len(p.Rounds) - 1; i >= 0; i-- {
		o.Rounds = append(o.Rounds, p.roundOverview(p.Rounds[i], env))
	}
	for _, pr := range p.Proposals {
		o.Adopted = o.Adopted || pr.Adopted > 0
		o.Proposals = append(o.Proposals, p.proposalOverview(pr))
	}
	for _, ob := range p.Objections {
		o.Objections = append(o.Objections, p.objectionOverview(ob))
	}
	slices.SortStableFunc(o.Objections, func(a, b ObjectionOverview) int {
		if a.Standing != b.Standing {
			if a.Standing {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.ID, b.ID)
	})
	o.Timeline = p.timeline(events)
	o.Participation = p.participation(events, env)
	return o
}

// phaseLine is the current step as /status words it: the step started
// with /next, or the rounds opened by hand, or not started yet.
func (p *Process) phaseLine() Line {
	if n, step, ok := p.CurrentStep(); ok {
		return L(MsgStatusStep, "n", n, "steps", len(p.Template.Steps), "kind", p.Template.Kinds[step.Kind].Title)
	}
	if len(p.Rounds) > 0 {
		return L(MsgStatusByHand, "template", p.Template.Title, "rounds", len(p.Rounds))
	}
	return L(MsgStatusNotStarted, "steps", len(p.Template.Steps), "template", p.Template.Title)
}

// repNames are the names of g's representatives who are still members.
func (p *Process) repNames(g *Group) []string {
	var names []string
	for _, u := range g.Reps {
		if m := p.Members[u]; m != nil {
			names = append(names, m.Name)
		}
	}
	return names
}

func (p *Process) roundOverview(r *Round, env Env) RoundOverview {
	lang := p.Locale()
	prompt := r.Prompt
	if prompt == "" {
		prompt = r.Def.Prompt.In(lang)
	}
	o := RoundOverview{
		N: r.N, Kind: r.Kind, Title: r.Def.Title.In(lang), Prompt: prompt,
		Open: r.Open(), Opened: r.Opened, Deadline: r.closesAt(), Closed: r.Closed, CloseReason: r.CloseReason,
		Joint: r.Joint, Consent: r.Def.Consent, Proposal: r.Proposal, Version: r.Version,
		Progress:      p.roundProgress(r, env),
		Relayed:       r.Relayed,
		AwaitsSummary: !r.Open() && !r.Def.Consent && !r.Relayed && r.Def.Relay == RelayApprove,
	}
	if o.AwaitsSummary {
		o.Preview = p.previewSummary(r, env)
	}
	return o
}

// roundProgress is r's progress per group (Process.Progress; in a consent
// round the votes, as the group decided them), or for a joint round the
// joint chat's total.
func (p *Process) roundProgress(r *Round, env Env) []GroupProgress {
	var out []GroupProgress
	if r.Def.Consent {
		for _, g := range r.Groups {
			t := p.decidedTally(r, g)
			out = append(out, GroupProgress{Group: g, Name: p.groupName(g), Members: t.Members, Answered: t.Answered})
		}
		return out
	}
	progress := p.Progress(r, env)
	if r.Joint {
		t := Total(progress)
		return []GroupProgress{{Group: turnKey(r, ""), NameKey: MsgRecordJoint, Members: t.Members, Answered: t.Answered, Passed: t.Passed}}
	}
	for _, pr := range progress {
		out = append(out, GroupProgress{Group: pr.Group, Name: p.groupName(pr.Group), Members: pr.Members, Answered: pr.Answered, Passed: pr.Passed})
	}
	return out
}

// decidedTally is group g's tally in consent round r: as it stood when the
// group decided, or as it stands now.
func (p *Process) decidedTally(r *Round, g GroupID) Tally {
	t := p.ConsentTally(r, g)
	if d := r.Decisions[g]; d != nil {
		t.Members, t.Required, t.Answered, t.Consents, t.Concerns, t.Objections = d.Members, d.Required, d.Answered, d.Consents, d.Concerns, d.Objections
	}
	return t
}

func (p *Process) proposalOverview(pr *Proposal) ProposalOverview {
	out := ProposalOverview{N: pr.N, Adopted: pr.Adopted, AdoptedAt: pr.AdoptedAt, Shown: pr.Shown().V}
	for _, v := range pr.Versions {
		out.Versions = append(out.Versions, VersionOverview{V: v.V, Text: v.Text, Author: v.AuthorName, At: v.At,
			Change: v.Change, Reason: v.Reason, Consent: p.consentCells(pr, v.V)})
	}
	return out
}

// consentCells is the consent matrix of version v of pr: one cell per
// group of its latest consent round.
func (p *Process) consentCells(pr *Proposal, v int) []ConsentCell {
	r := p.latestConsentRound(pr, v)
	if r == nil {
		return nil
	}
	var out []ConsentCell
	for _, g := range r.Groups {
		t := p.decidedTally(r, g)
		c := ConsentCell{Group: g, Name: p.groupName(g), Round: r.N,
			Members: t.Members, Required: t.Required, Answered: t.Answered,
			Consents: t.Consents, Concerns: t.Concerns, Objections: t.Objections, NoAnswer: t.Members - t.Answered,
			Quorum: t.Members > 0 && t.Answered >= t.Required, State: p.consentState(pr, v, g)}
		if d := r.Decisions[g]; d != nil {
			c.Outcome = d.Outcome
		}
		if by := pr.Confirmed[v][g]; by != nil {
			c.ConfirmedBy, c.ConfirmedAt = by.Name, by.At
		}
		out = append(out, c)
	}
	return out
}

// objectionOverview shows o as the record does: without the objector's name.
func (p *Process) objectionOverview(o *Objection) ObjectionOverview {
	return ObjectionOverview{ID: o.ID, Proposal: o.Proposal, Version: o.Version, Round: o.Round,
		Group: p.groupName(o.Group), Part: o.Part, Harm: o.Harm, Need: o.Need, Notice: o.Notice,
		State: o.State, ResolvedOn: o.ResolvedOn, Standing: o.Standing(), At: o.At}
}

// timeline is the process's history for the dashboard, oldest first: the
// process created, facilitators added, groups and the joint chat linked,
// rounds opened and closed (and why), each group's consent decision,
// summaries shared, proposals and versions, objections raised, resolved
// and withdrawn, representatives installed, confirmations given and
// withdrawn, adoption, and every facilitator intervention the record
// lists. It has nothing per answer, vote or pass, and no joins.
func (p *Process) timeline(events []Event) []TimelineEntry {
	zone := p.TimeZone()
	at := func(t time.Time) Zoned { return Zoned{t, zone} }
	tl := timelineState{p: p, resolving: resolvingEvents(p, events), decided: map[int]map[GroupID]bool{}}
	var out []TimelineEntry
	for i, e := range events {
		if ev, ok := e.Data.(*ConsentExtended); ok {
			delete(tl.decided[ev.Round], ev.Group) // the group votes again
		}
		if line, ok := p.interventionLine(e, at); ok {
			out = append(out, TimelineEntry{At: e.At, Line: line, Intervention: true})
			continue
		}
		for _, line := range tl.lines(i, e) {
			out = append(out, TimelineEntry{At: e.At, Line: line})
		}
	}
	return out
}

// interventionLine is e as the record lists it among the facilitators'
// interventions, in the words of the timeline (the record's, without the
// date); ok is false if the record does not list it.
func (p *Process) interventionLine(e Event, at func(time.Time) Zoned) (line Line, ok bool) {
	lines := p.reportInterventions([]Event{e}, at)
	if len(lines) == 0 {
		return Line{}, false
	}
	line = lines[0]
	if key, ok := timelineInterventions[line.Key]; ok {
		line.Key = key
		delete(line.Params, "date")
	}
	return line, true
}

// timelineInterventions gives, for each line of the record's interventions,
// the timeline's text: the same words and parameters without the date. A
// record line missing here goes into the timeline as it is.
var timelineInterventions = map[MsgKey]MsgKey{
	MsgRecordClassified:            MsgTimelineClassified,
	MsgRecordCloseEarly:            MsgTimelineCloseEarly,
	MsgRecordExtended:              MsgTimelineExtended,
	MsgRecordHidden:                MsgTimelineHidden,
	MsgRecordNominationWithdrawnBy: MsgTimelineNominationWithdrawn,
	MsgRecordPaused:                MsgTimelinePaused,
	MsgRecordRelayed:               MsgTimelineRelayed,
	MsgRecordReopened:              MsgTimelineReopened,
	MsgRecordResumed:               MsgTimelineResumed,
	MsgRecordSetting:               MsgTimelineSetting,
	MsgRecordSilence:               MsgTimelineSilence,
	MsgRecordStuck:                 MsgTimelineStuck,
	MsgRecordSynthesis:             MsgTimelineSynthesis,
	MsgRecordTemplate:              MsgTimelineTemplate,
}

// timelineState is what the timeline needs to know beyond one event.
type timelineState struct {
	p *Process
	// resolving marks the events (by index) that resolved an objection.
	resolving map[int]bool
	// decided holds, per consent round, the groups that have decided: the
	// decision that completes them closes the round.
	decided map[int]map[GroupID]bool
}

// resolvingEvents returns the indexes of the events that resolved an
// objection: for each resolved objection its last ObjectionResolution (a
// resolved objection takes no more).
func resolvingEvents(p *Process, events []Event) map[int]bool {
	last := map[int]int{}
	for i, e := range events {
		if ev, ok := e.Data.(*ObjectionResolution); ok {
			if o := p.Objection(ev.ID); o != nil && o.State == ObjectionResolved {
				last[ev.ID] = i
			}
		}
	}
	out := map[int]bool{}
	for _, i := range last {
		out[i] = true
	}
	return out
}

// lines are the timeline's lines for event i, e (not an intervention).
func (tl *timelineState) lines(i int, e Event) []Line {
	p := tl.p
	switch ev := e.Data.(type) {
	case *ProcessCreated:
		return []Line{L(MsgTimelineCreated, "name", ev.Name, "title", ev.Title, "template", ev.Template.Title)}
	case *FacilitatorAdded:
		return []Line{L(MsgFacilitatorJoined, "name", ev.Name, "title", p.Title)}
	case *GroupLinked:
		return []Line{L(MsgTimelineGroupLinked, "group", p.groupName(ev.Group), "platform", (&Group{Chat: ev.Chat}).Platform())}
	case *JointLinked:
		return []Line{L(MsgTimelineJointLinked, "platform", (&Group{Chat: ev.Chat}).Platform())}
	case *RoundOpened:
		r := p.Round(ev.Round.N)
		if r.Def.Consent {
			return []Line{L(MsgConsentStartedJoint, "proposal", r.Proposal, "v", r.Version, "n", r.N)}
		}
		return []Line{L(MsgTimelineRoundOpened, "n", r.N, "kind", r.Def.Title, "where", p.scopeNames(r))}
	case *RoundClosed:
		return []Line{closedLine(p.Round(ev.Round), ev.Reason)}
	case *GroupDecided:
		r := p.Round(ev.Round)
		groups := tl.decided[r.N]
		if groups == nil {
			groups = map[GroupID]bool{}
			tl.decided[r.N] = groups
		}
		wasClosed := len(groups) == len(r.Groups)
		groups[ev.Group] = true
		lines := []Line{L(MsgTimelineDecided, "group", p.groupName(ev.Group), "n", r.N, "outcome", outcomeKey(ev.Decision.Outcome))}
		if !wasClosed && len(groups) == len(r.Groups) {
			lines = append(lines, closedLine(r, ClosedDecided))
		}
		return lines
	case *SummaryRelayed:
		// Shared without a facilitator's approval (relay = "auto").
		names, joint := p.targets(p.Round(ev.Round))
		return []Line{L(MsgRelayed, "n", ev.Round, "targets", names, "joint", joint)}
	case *ProposalCreated:
		return []Line{L(MsgTimelineProposed, "name", ev.Name, "proposal", ev.N)}
	case *VersionProposed:
		return []Line{L(MsgTimelineAmended, "name", ev.Name, "proposal", ev.Proposal, "v", ev.V)}
	case *ObjectionRaised:
		o := ev.Objection
		return []Line{L(MsgTimelineObjection, "id", o.ID, "group", p.groupName(o.Group), "proposal", o.Proposal, "v", o.Version)}
	case *ObjectionResolution:
		if tl.resolving[i] {
			return []Line{L(MsgTimelineObjectionResolved, "id", ev.ID, "proposal", p.Objection(ev.ID).Proposal, "v", ev.V)}
		}
	case *ObjectionWithdrawn:
		return []Line{L(MsgObjectionWithdrawnUnnamed, "id", ev.ID, "group", p.groupName(p.Objection(ev.ID).Group))}
	case *RepInstalled:
		n := p.Nomination(ev.ID)
		return []Line{L(MsgRepInstalled, "name", n.Name, "group", p.groupName(n.Group))}
	case *ConsentConfirmed:
		return []Line{L(MsgTimelineConfirmed, "name", ev.Name, "group", p.groupName(ev.Group), "proposal", ev.Proposal, "v", ev.V)}
	case *ConfirmationWithdrawn:
		return []Line{L(MsgTimelineUnconfirmed, "group", p.groupName(ev.Group), "proposal", ev.Proposal, "v", ev.V, "reason", ev.Reason)}
	case *ProposalAdopted:
		return []Line{L(MsgAdopted, "proposal", ev.Proposal, "v", ev.V)}
	}
	return nil
}

// closedLine says that round r closed, and why.
func closedLine(r *Round, reason string) Line {
	why := MsgTimelineWhyFacilitator
	switch reason {
	case ClosedAtDeadline:
		why = MsgTimelineWhyDeadline
	case ClosedDecided:
		why = MsgTimelineWhyDecided
	}
	return L(MsgTimelineRoundClosed, "n", r.N, "kind", r.Def.Title, "why", why)
}

// maxParticipationPoints bounds the participation series.
const maxParticipationPoints = 60

// participation is the cumulative number of contributions from the
// process's creation to env.Now, at most maxParticipationPoints points:
// one at the start of the first step and one at the end of every step,
// the last the end of the step that holds env.Now. The step is the finest of an hour, 2, 3, 6 or 12
// hours, a day, 2, 7, 14 or 28 days (or longer) that fits, in the process's
// time zone.
func (p *Process) participation(events []Event, env Env) []ParticipationPoint {
	times := p.contributionTimes(events)
	slices.SortFunc(times, time.Time.Compare)
	loc := env.location(p.TimeZone())
	from := p.Created.In(loc)
	step := participationStep(from, env.Now)
	var out []ParticipationPoint
	counted := 0
	for t := step.floor(from); ; t = step.next(t) {
		// The series ends at the end of the step now is in, not at now:
		// it changes when something happens or a step begins, not every
		// second (the dashboard redraws only what changed).
		last := !t.Before(env.Now)
		for counted < len(times) && !times[counted].After(t) {
			counted++
		}
		out = append(out, ParticipationPoint{At: t, Contributions: counted})
		if last {
			return out
		}
	}
}

// contributionTimes returns when each contribution in the log was made,
// in log order. A contribution is a participant's first answer or pass in
// a round (an edit, or a pass in place of an answer, is not a new one), a
// held answer placed at its author's turn, a completed intake, and a
// member's first vote in a consent round (a changed vote is not a new
// one). Participants are told apart by the key their answer is stored
// under, as the round does: someone who switches between answering by name
// and anonymously counts twice, since nothing here may tie the two. An
// anonymous event has no time; it counts at the time of the last event
// before it in the log (or the process's creation).
func (p *Process) contributionTimes(events []Event) []time.Time {
	seen := map[int]map[string]bool{}
	first := func(round int, key string) bool {
		if seen[round] == nil {
			seen[round] = map[string]bool{}
		}
		isNew := !seen[round][key]
		seen[round][key] = true
		return isNew
	}
	last := p.Created
	var out []time.Time
	for _, e := range events {
		if !e.At.IsZero() {
			last = e.At
		}
		var isNew bool
		switch ev := e.Data.(type) {
		case *AnswerGiven:
			isNew = first(ev.Round, ev.Key) && ev.Replaces == ""
		case *Passed:
			isNew = first(ev.Round, ev.Key)
		case *TurnPlaced:
			isNew = first(ev.Round, namedKey(ev.User))
		case *IntakeAnswered:
			r := p.Round(ev.Round)
			isNew = r != nil && ev.Q+1 == len(r.Def.Questions) && first(ev.Round, namedKey(ev.User))
		case *VoteCast:
			isNew = ev.Vote.Choice != "" && first(ev.Round, "vote:"+string(ev.User))
		}
		if isNew {
			out = append(out, last)
		}
	}
	return out
}

// chartStep is the width of the participation series' steps: hours, or
// calendar days.
type chartStep struct{ hours, days int }

// floor rounds t down to the step: to a whole number of hours, or to
// midnight, in t's zone.
func (s chartStep) floor(t time.Time) time.Time {
	if s.days > 0 {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour()-t.Hour()%s.hours, 0, 0, 0, t.Location())
}

func (s chartStep) next(t time.Time) time.Time {
	if s.days > 0 {
		return t.AddDate(0, 0, s.days)
	}
	return t.Add(time.Duration(s.hours) * time.Hour)
}

// fits reports whether the steps from from's floor reach to within
// maxParticipationPoints points.
func (s chartStep) fits(from, to time.Time) bool {
	t := s.floor(from)
	for n := 1; n < maxParticipationPoints; n++ {
		if !t.Before(to) {
			return true
		}
		t = s.next(t)
	}
	return !t.Before(to)
}

// participationStep is the finest step whose series from from to to fits.
func participationStep(from, to time.Time) chartStep {
	for _, s := range []chartStep{{hours: 1}, {hours: 2}, {hours: 3}, {hours: 6}, {hours: 12},
		{days: 1}, {days: 2}, {days: 7}, {days: 14}, {days: 28}} {
		if s.fits(from, to) {
			return s
		}
	}
	s := chartStep{days: 56}
	for !s.fits(from, to) {
		s.days *= 2
	}
	return s
}
