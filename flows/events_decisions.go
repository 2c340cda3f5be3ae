package flows

import (
	"slices"
	"time"
)

// Events of decisions: proposals, consent, objections, representatives and
// adoption. Each is registered in events.go's init.

func registerDecisionEvents() {
	registerEvent[ProposalCreated]()
	registerEvent[VersionProposed]()
	registerEvent[VersionClassified]()
	registerEvent[VoteCast]()
	registerEvent[ObjectionRaised]()
	registerEvent[ObjectionWithdrawn]()
	registerEvent[ObjectionResolution]()
	registerEvent[QuestionAsked]()
	registerEvent[GroupDecided]()
	registerEvent[ConsentExtended]()
	registerEvent[LastChanceSent]()
	registerEvent[IntegrationFailed]()
	registerEvent[StuckChosen]()
	registerEvent[RepNominated]()
	registerEvent[RepObjected]()
	registerEvent[RepAnswered]()
	registerEvent[NominationWithdrawn]()
	registerEvent[RepInstalled]()
	registerEvent[ConsentConfirmed]()
	registerEvent[ConfirmationWithdrawn]()
	registerEvent[ProposalAdopted]()
	registerEvent[EvaluationStarted]()
	registerEvent[Intervened]()
	registerEvent[RepWindowEnded]()
	registerEvent[Paused]()
	registerEvent[Resumed]()
	registerEvent[TimeoutRequested]()
	registerEvent[TurnMoved]()
	registerEvent[TurnHeld]()
	registerEvent[TurnPlaced]()
	registerEvent[TurnGiven]()
	registerEvent[AnswerHidden]()
	registerEvent[SynthesisAdded]()
	registerEvent[RoundReopened]()
	registerEvent[IntakeAnswered]()
	registerEvent[Nudged]()
	registerEvent[TurnHeldWithdrawn]()
	registerEvent[TurnJoined]()
	registerEvent[ChatMoved]()
}

// ProposalCreated is /propose: proposal N, version 1, by the event's actor.
type ProposalCreated struct {
	N    int    `json:"n"`
	Text string `json:"text"`
	Name string `json:"name"`
}

func (*ProposalCreated) EventType() string { return "proposal_created" }
func (ev *ProposalCreated) apply(p *Process, e *Event) {
	p.Proposals = append(p.Proposals, &Proposal{N: ev.N, Versions: []*Version{{V: 1, Text: ev.Text, Author: e.Actor, AuthorName: ev.Name, At: e.At}}})
}

// VersionProposed is /amend: a new version, shown once classified.
type VersionProposed struct {
	Proposal int    `json:"proposal"`
	V        int    `json:"v"`
	Text     string `json:"text"`
	Name     string `json:"name"`
}

func (*VersionProposed) EventType() string { return "version_proposed" }
func (ev *VersionProposed) apply(p *Process, e *Event) {
	pr := p.Proposal(ev.Proposal)
	pr.Versions = append(pr.Versions, &Version{V: ev.V, Text: ev.Text, Author: e.Actor, AuthorName: ev.Name, At: e.At})
}

// VersionClassified records the facilitator's call on an amendment, with
// the reason that goes into the record.
type VersionClassified struct {
	Proposal int    `json:"proposal"`
	V        int    `json:"v"`
	Change   string `json:"change"`
	Reason   string `json:"reason"`
}

func (*VersionClassified) EventType() string { return "version_classified" }
func (ev *VersionClassified) apply(p *Process, _ *Event) {
	v := p.Proposal(ev.Proposal).Version(ev.V)
	v.Change, v.Reason = ev.Change, ev.Reason
}

// VoteCast records (or changes) User's answer in a consent round.
type VoteCast struct {
	Round int    `json:"round"`
	User  UserID `json:"user"`
	Vote  Vote   `json:"vote"`
}

func (*VoteCast) EventType() string { return "vote_cast" }
func (ev *VoteCast) apply(p *Process, _ *Event) {
	v := ev.Vote
	r := p.Round(ev.Round)
	p.voteChanging(r, ev.User, v)
	r.Votes[ev.User] = &v
}

// ObjectionRaised records an overwegend bezwaar with its four fields.
type ObjectionRaised struct {
	Objection Objection `json:"objection"`
}

func (*ObjectionRaised) EventType() string { return "objection_raised" }
func (ev *ObjectionRaised) apply(p *Process, _ *Event) {
	o := ev.Objection
	p.Objections = append(p.Objections, &o)
}

// ObjectionWithdrawn records that the objector withdrew an objection (also
// by changing their answer).
type ObjectionWithdrawn struct {
	ID int `json:"id"`
}

func (*ObjectionWithdrawn) EventType() string { return "objection_withdrawn" }
func (ev *ObjectionWithdrawn) apply(p *Process, _ *Event) {
	p.Objection(ev.ID).State = ObjectionIsWithdrawn
}

// ObjectionResolution records that the objector or the proposer confirmed
// that version V resolves the objection; with both, it is resolved.
type ObjectionResolution struct {
	ID       int  `json:"id"`
	V        int  `json:"v"`
	Objector bool `json:"objector,omitempty"`
	Proposer bool `json:"proposer,omitempty"`
}

func (*ObjectionResolution) EventType() string { return "objection_resolution" }
func (ev *ObjectionResolution) apply(p *Process, _ *Event) {
	o := p.Objection(ev.ID)
	if o.ResolvedOn != ev.V {
		o.ResolvedOn, o.ObjectorOK, o.ProposerOK = ev.V, false, false
	}
	o.ObjectorOK = o.ObjectorOK || ev.Objector
	o.ProposerOK = o.ProposerOK || ev.Proposer
	if o.ObjectorOK && o.ProposerOK {
		o.State = ObjectionResolved
	}
}

// QuestionAsked records a question raised in a consent round; it went to
// the facilitators and the proposer.
type QuestionAsked struct {
	Round int     `json:"round"`
	Group GroupID `json:"group"`
	Name  string  `json:"name"`
	Text  string  `json:"text"`
}

func (*QuestionAsked) EventType() string      { return "question_asked" }
func (*QuestionAsked) apply(*Process, *Event) {}

// GroupDecided records a group's decision in a consent round. When every
// group has decided, the round is closed.
type GroupDecided struct {
	Round    int           `json:"round"`
	Group    GroupID       `json:"group"`
	Decision GroupDecision `json:"decision"`
}

func (*GroupDecided) EventType() string { return "group_decided" }
func (ev *GroupDecided) apply(p *Process, e *Event) {
	r := p.Round(ev.Round)
	d := ev.Decision
	r.Decisions[ev.Group] = &d
	if len(r.Decisions) == len(r.Groups) && r.Open() {
		r.Closed = e.At
		r.CloseReason = ClosedDecided
	}
}

// ConsentExtended gives a group without a decision more time: its voting
// reopens until Deadline.
type ConsentExtended struct {
	Round    int       `json:"round"`
	Group    GroupID   `json:"group"`
	Deadline time.Time `json:"deadline"`
}

func (*ConsentExtended) EventType() string { return "consent_extended" }
func (ev *ConsentExtended) apply(p *Process, _ *Event) {
	r := p.Round(ev.Round)
	delete(r.Decisions, ev.Group)
	r.Extended[ev.Group] = ev.Deadline
	r.Closed, r.CloseReason = time.Time{}, ""
	r.LastChanceSent = false
}

// LastChanceSent records the last-chance notice of a consent round.
type LastChanceSent struct {
	Round int `json:"round"`
}

func (*LastChanceSent) EventType() string             { return "last_chance_sent" }
func (ev *LastChanceSent) apply(p *Process, _ *Event) { p.Round(ev.Round).LastChanceSent = true }

// IntegrationFailed counts a consent round on Proposal that ended with a
// group blocked by an objection.
type IntegrationFailed struct {
	Proposal int `json:"proposal"`
}

func (*IntegrationFailed) EventType() string { return "integration_failed" }
func (ev *IntegrationFailed) apply(p *Process, _ *Event) {
	p.Proposal(ev.Proposal).FailedCycles++
}

// StuckChosen records the facilitator's way forward after StuckAfter failed
// integration cycles.
type StuckChosen struct {
	Proposal int    `json:"proposal"`
	Option   string `json:"option"`
}

func (*StuckChosen) EventType() string { return "stuck_chosen" }
func (ev *StuckChosen) apply(p *Process, _ *Event) {
	p.Proposal(ev.Proposal).StuckChoice = ev.Option
}

// RepNominated is /rep: the facilitator proposes a representative.
type RepNominated struct {
	Nomination Nomination `json:"nomination"`
}

func (*RepNominated) EventType() string { return "rep_nominated" }
func (ev *RepNominated) apply(p *Process, _ *Event) {
	n := ev.Nomination
	p.Nominations = append(p.Nominations, &n)
}

// RepObjected records a group member's objection to a nomination.
type RepObjected struct {
	ID        int          `json:"id"`
	Objection RepObjection `json:"objection"`
}

func (*RepObjected) EventType() string { return "rep_objected" }
func (ev *RepObjected) apply(p *Process, _ *Event) {
	n := p.Nomination(ev.ID)
	n.Objected = append(n.Objected, ev.Objection)
}

// RepAnswered records the nominee's answer: accepted or declined.
type RepAnswered struct {
	ID       int  `json:"id"`
	Accepted bool `json:"accepted"`
}

func (*RepAnswered) EventType() string { return "rep_answered" }
func (ev *RepAnswered) apply(p *Process, _ *Event) {
	n := p.Nomination(ev.ID)
	n.Accepted, n.Declined = ev.Accepted, !ev.Accepted
}

// NominationWithdrawn ends a nomination that will not go ahead.
type NominationWithdrawn struct {
	ID int `json:"id"`
}

func (*NominationWithdrawn) EventType() string             { return "nomination_withdrawn" }
func (ev *NominationWithdrawn) apply(p *Process, _ *Event) { p.Nomination(ev.ID).Withdrawn = true }

// RepInstalled makes an accepted nominee a representative: the window
// passed without a standing objection.
type RepInstalled struct {
	ID int `json:"id"`
}

func (*RepInstalled) EventType() string { return "rep_installed" }
func (ev *RepInstalled) apply(p *Process, e *Event) {
	n := p.Nomination(ev.ID)
	n.Installed = e.At
	g := p.Group(n.Group)
	if !slices.Contains(g.Reps, n.User) {
		g.Reps = append(g.Reps, n.User)
	}
}

// ConsentConfirmed records that a representative confirmed their group's
// consent to version V.
type ConsentConfirmed struct {
	Proposal int     `json:"proposal"`
	V        int     `json:"v"`
	Group    GroupID `json:"group"`
	Name     string  `json:"name"`
}

func (*ConsentConfirmed) EventType() string { return "consent_confirmed" }
func (ev *ConsentConfirmed) apply(p *Process, e *Event) {
	pr := p.Proposal(ev.Proposal)
	if pr.Confirmed == nil {
		pr.Confirmed = map[int]map[GroupID]*Confirmation{}
	}
	if pr.Confirmed[ev.V] == nil {
		pr.Confirmed[ev.V] = map[GroupID]*Confirmation{}
	}
	pr.Confirmed[ev.V][ev.Group] = &Confirmation{Rep: e.Actor, Name: ev.Name, At: e.At}
}

// ConfirmationWithdrawn records a representative withdrawing a confirmation
// before adoption, with a reason: the group's consent to that version from
// rounds up to UpToRound no longer counts, and integration reopens.
type ConfirmationWithdrawn struct {
	Proposal  int     `json:"proposal"`
	V         int     `json:"v"`
	Group     GroupID `json:"group"`
	Reason    string  `json:"reason"`
	UpToRound int     `json:"up_to_round"`
}

func (*ConfirmationWithdrawn) EventType() string { return "confirmation_withdrawn" }
func (ev *ConfirmationWithdrawn) apply(p *Process, _ *Event) {
	pr := p.Proposal(ev.Proposal)
	delete(pr.Confirmed[ev.V], ev.Group)
	if pr.Revoked == nil {
		pr.Revoked = map[int]map[GroupID]int{}
	}
	if pr.Revoked[ev.V] == nil {
		pr.Revoked[ev.V] = map[GroupID]int{}
	}
	pr.Revoked[ev.V][ev.Group] = ev.UpToRound
}

// ProposalAdopted records that every group confirmed version V: it is part
// of the jointly supported plan.
type ProposalAdopted struct {
	Proposal int `json:"proposal"`
	V        int `json:"v"`
}

func (*ProposalAdopted) EventType() string { return "proposal_adopted" }
func (ev *ProposalAdopted) apply(p *Process, e *Event) {
	pr := p.Proposal(ev.Proposal)
	pr.Adopted, pr.AdoptedAt = ev.V, e.At
}

// EvaluationStarted records that the evaluation date came.
type EvaluationStarted struct{}

func (*EvaluationStarted) EventType() string          { return "evaluation_started" }
func (*EvaluationStarted) apply(p *Process, _ *Event) { p.EvaluationOpened = true }

// Intervened records a facilitator's intervention with its reason, for the
// record (DESIGN.md §2: closing early, counting silence, …).
type Intervened struct {
	What  string  `json:"what"`
	Round int     `json:"round,omitempty"`
	Group GroupID `json:"group,omitempty"`
	Note  string  `json:"note,omitempty"`
}

// Interventions that carry a reason.
const (
	InterventionCloseEarly = "close_early"
	InterventionSilence    = "silence"
)

func (*Intervened) EventType() string      { return "intervened" }
func (*Intervened) apply(*Process, *Event) {}

// RepWindowEnded records that a nomination's window passed while an
// objection to it stood.
type RepWindowEnded struct {
	ID int `json:"id"`
}

func (*RepWindowEnded) EventType() string             { return "rep_window_ended" }
func (ev *RepWindowEnded) apply(p *Process, _ *Event) { p.Nomination(ev.ID).WindowEnded = true }
