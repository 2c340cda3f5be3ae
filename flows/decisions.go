package flows

import "time"

// Proposal is a draft agreement for the joint plan. Every change is a new
// version; every group always sees the same (latest) version.
type Proposal struct {
	N        int        `json:"n"`
	Versions []*Version `json:"versions"`
	// Confirmed holds, per version, which representative confirmed their
	// group's consent and when.
	Confirmed map[int]map[GroupID]*Confirmation `json:"confirmed,omitempty"`
	// Revoked marks, per version, groups whose representative withdrew a
	// confirmation: consent from rounds up to the one named no longer
	// counts; a later consent round decides again.
	Revoked map[int]map[GroupID]int `json:"revoked,omitempty"`
	// Adopted is the version every group confirmed (0: not adopted).
	Adopted   int       `json:"adopted,omitempty"`
	AdoptedAt time.Time `json:"adopted_at,omitzero"`
	// FailedCycles counts consent rounds that ended with a group blocked by
	// an objection; at StuckAfter the facilitators get the stuck options.
	FailedCycles int    `json:"failed_cycles,omitempty"`
	StuckChoice  string `json:"stuck_choice,omitempty"`
}

// Version is one text of a proposal.
type Version struct {
	V          int       `json:"v"`
	Text       string    `json:"text"`
	Author     UserID    `json:"author"`
	AuthorName string    `json:"author_name"`
	At         time.Time `json:"at"`
	// Change is how the facilitator classified an amendment: substantive
	// (back to every group for consent) or editorial (earlier consent
	// carries over). Empty for version 1, and for an amendment not yet
	// classified (then it is not shown to the groups yet).
	Change string `json:"change,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Kinds of amendment.
const (
	ChangeSubstantive = "substantive"
	ChangeEditorial   = "editorial"
)

// StuckAfter is how many integration cycles may fail before the
// facilitators are offered the options of method.md §3b.
const StuckAfter = 3

// StuckOptions are the ways forward when integration is stuck (method.md §3b).
var StuckOptions = []string{"uncontested", "working_group", "new_session", "breakdown", "fallback"}

// Latest returns the proposal's latest version.
func (pr *Proposal) Latest() *Version { return pr.Versions[len(pr.Versions)-1] }

// Shown returns the latest version the groups see: a new version is shown
// once the facilitator has classified it.
func (pr *Proposal) Shown() *Version {
	for i := len(pr.Versions) - 1; i >= 0; i-- {
		if v := pr.Versions[i]; v.V == 1 || v.Change != "" {
			return v
		}
	}
	return pr.Versions[0]
}

// Version returns version v, or nil.
func (pr *Proposal) Version(v int) *Version {
	if v < 1 || v > len(pr.Versions) {
		return nil
	}
	return pr.Versions[v-1]
}

// Confirmation is a representative confirming their group's consent.
type Confirmation struct {
	Rep  UserID    `json:"rep"`
	Name string    `json:"name"`
	At   time.Time `json:"at"`
}

// Vote is a member's answer in a consent round. Consent is not anonymous:
// within their group answers are shown by name (or only as tallies, if the
// process says so), and the group's decision rests on who answered.
type Vote struct {
	Choice    string  `json:"choice"`
	Group     GroupID `json:"group"`
	Name      string  `json:"name"`
	Concern   string  `json:"concern,omitempty"`
	Objection int     `json:"objection,omitempty"`
}

// Consent answers. There is no abstain (method.md §3b); a question is not
// an answer.
const (
	VoteConsent   = "consent"
	VoteConcern   = "concern"
	VoteObjection = "objection"
)

// GroupDecision is what a group's consent round came to.
type GroupDecision struct {
	Outcome    string    `json:"outcome"`
	At         time.Time `json:"at"`
	Members    int       `json:"members"`
	Required   int       `json:"required"`
	Answered   int       `json:"answered"`
	Consents   int       `json:"consents"`
	Concerns   int       `json:"concerns"`
	Objections int       `json:"objections"`
}

// Outcomes of a group's consent round.
const (
	OutcomePassed     = "passed"      // quorum, and no open objection
	OutcomeBlocked    = "blocked"     // an open overwegend bezwaar
	OutcomeNoDecision = "no_decision" // no quorum at the deadline
	OutcomeSilence    = "silence"     // no quorum; silence counted as consent (rules allow it)
)

// Objection is an overwegend bezwaar: the four fields of DESIGN.md §2, and
// where its integration stands.
type Objection struct {
	ID       int     `json:"id"`
	Proposal int     `json:"proposal"`
	Version  int     `json:"version"`
	Round    int     `json:"round"`
	Group    GroupID `json:"group"`
	Author   UserID  `json:"author"`
	Name     string  `json:"name"`
	// The form: which part; what will happen and why it harms the shared
	// aim or the group; what the objector needs; how we would notice.
	Part   string    `json:"part"`
	Harm   string    `json:"harm"`
	Need   string    `json:"need"`
	Notice string    `json:"notice"`
	At     time.Time `json:"at"`

	State string `json:"state"`
	// ObjectorOK and ProposerOK record, for the version named, that the
	// objector and the proposer confirmed the objection is resolved.
	ResolvedOn int  `json:"resolved_on,omitempty"`
	ObjectorOK bool `json:"objector_ok,omitempty"`
	ProposerOK bool `json:"proposer_ok,omitempty"`
}

// States of an objection.
const (
	ObjectionOpen        = "open"
	ObjectionResolved    = "resolved"
	ObjectionIsWithdrawn = "withdrawn"
)

// Standing reports whether the objection still blocks.
func (o *Objection) Standing() bool { return o.State == ObjectionOpen }

// ObjectionFields are the form's four questions, in order.
var ObjectionFields = []MsgKey{MsgObjectionPart, MsgObjectionHarm, MsgObjectionNeed, MsgObjectionNotice}

// Nomination is a facilitator's proposal of a representative: the group
// may raise an objection within the window; the person accepts.
type Nomination struct {
	ID       int            `json:"id"`
	Group    GroupID        `json:"group"`
	User     UserID         `json:"user"`
	Name     string         `json:"name"`
	By       UserID         `json:"by"`
	Until    time.Time      `json:"until"`
	Accepted bool           `json:"accepted,omitempty"`
	Declined bool           `json:"declined,omitempty"`
	Objected []RepObjection `json:"objected,omitempty"`
	// Installed is when the person became representative; Withdrawn ends a
	// nomination that will not go ahead.
	Installed time.Time `json:"installed,omitzero"`
	Withdrawn bool      `json:"withdrawn,omitempty"`
	// WindowEnded records that the window passed with an objection standing:
	// the facilitators were asked to decide.
	WindowEnded bool `json:"window_ended,omitempty"`
}

// RepObjection is a group member's objection to a proposed representative.
type RepObjection struct {
	By     UserID `json:"by"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Pending reports whether the nomination may still lead to a representative.
func (n *Nomination) Pending() bool {
	return n.Installed.IsZero() && !n.Withdrawn && !n.Declined
}

// MaxReps is how many representatives a group may have (a representative
// and a substitute, method.md §3b).
const MaxReps = 2
