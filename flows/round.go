package flows

import (
	"slices"
	"time"
)

// Round is one round: a prompt, answered by the members in its scope.
type Round struct {
	N      int    `json:"n"`
	Kind   string `json:"kind"`
	Def    *Kind  `json:"def"`              // the kind as it was when the round opened
	Prompt string `json:"prompt,omitempty"` // the facilitator's own prompt, if any
	// Groups are the groups that answer; a joint round has none and Joint set.
	Groups []GroupID `json:"groups,omitempty"`
	Joint  bool      `json:"joint,omitempty"`
	Step   int       `json:"step,omitempty"` // the template step it belongs to (0: opened by hand)

	Opened        time.Time   `json:"opened"`
	Deadline      time.Time   `json:"deadline,omitzero"`
	Reminders     []time.Time `json:"reminders,omitempty"`
	RemindersSent int         `json:"reminders_sent,omitempty"`
	// Seed orders the anonymous answers in the summary.
	Seed int64 `json:"seed"`

	// Answers and Passes are keyed by participant: "u:<user>", or in a
	// round that offers anonymity "a:<pseudonym>" for everything but answers
	// given with a name. A pass records the group it was given in.
	Answers map[string]*Answer `json:"answers,omitempty"`
	Passes  map[string]GroupID `json:"passes,omitempty"`
	// A consent round (Def.Consent) is on one version of a proposal and
	// collects votes instead of answers; each group reaches its own
	// decision, and a group given more time has its own deadline.
	Proposal  int                        `json:"proposal,omitempty"`
	Version   int                        `json:"version,omitempty"`
	Votes     map[UserID]*Vote           `json:"votes,omitempty"`
	Decisions map[GroupID]*GroupDecision `json:"decisions,omitempty"`
	Extended  map[GroupID]time.Time      `json:"extended,omitempty"`
	// LastAnswer is when each person last answered by name in a joint
	// round, for slow mode.
	LastAnswer map[UserID]time.Time `json:"last_answer,omitempty"`
	// Turns is the talking piece in each chat of a turn-mode round.
	Turns map[GroupID]*TurnState `json:"turns,omitempty"`
	// Intake holds, per member, the answers given so far in a private
	// intake; a finished intake moves to Answers (with Parts).
	Intake map[UserID][]string `json:"intake,omitempty"`
	// Hidden are answers a facilitator kept out of the summary before
	// relaying it, with the reason the author was given.
	Hidden map[string]string `json:"hidden,omitempty"`
	// Synthesis is the facilitator's own summary, shared with the answers.
	Synthesis string `json:"synthesis,omitempty"`
	// Nudged is when a facilitator last sent the waiting a private nudge.
	Nudged time.Time `json:"nudged,omitzero"`
	// LastChanceSent records that the last-chance notice went out.
	LastChanceSent bool `json:"last_chance_sent,omitempty"`
	// Departures counts members in scope who left while the round was open.
	// While it is zero every stored answer is a current member's.
	Departures int `json:"departures,omitempty"`

	Closed      time.Time `json:"closed,omitzero"`
	Final       *Final    `json:"final,omitempty"`
	CloseReason string    `json:"close_reason,omitempty"`
	Relayed     bool      `json:"relayed,omitempty"`
}

// Reasons a round closed.
const (
	ClosedByFacilitator = "facilitator"
	ClosedAtDeadline    = "deadline"
	ClosedDecided       = "decided" // a consent round: every group decided
)

// Answer is one person's answer in a round. A fully anonymous answer has no
// Author and no Name: only a Pseudonym, a keyed hash that lets its author
// edit it and be counted once, and that nobody can turn back into a person
// without the server's secret.
type Answer struct {
	Author    UserID  `json:"author,omitempty"`
	Name      string  `json:"name,omitempty"`
	Pseudonym string  `json:"pseudonym,omitempty"`
	Group     GroupID `json:"group"`
	Text      string  `json:"text"`
	Level     string  `json:"level"` // none, facilitators or full
	Edited    bool    `json:"edited,omitempty"`
	// Parts are the answers to an intake's questions, in order.
	Parts []string `json:"parts,omitempty"`
}

// Open reports whether the round still takes answers.
func (r *Round) Open() bool { return r.Closed.IsZero() }

// Anonymous reports whether a person may, or must, answer without their name.
func (r *Round) Anonymous() bool {
	return r.Def.Anonymity != AnonNone || (r.Def.AnonymousOption != "" && r.Def.AnonymousOption != AnonNone)
}

// AnonymousLevel is the level an answer gets when its author asks for anonymity.
func (r *Round) AnonymousLevel() string { return r.levelFor(true) }

// levelFor is the anonymity of an answer: the kind's, or, when its author
// asks for anonymity, the stronger of that and the level they may choose.
// Every place that tells a person who will see their answer, and the one
// that stores it, asks here.
func (r *Round) levelFor(asked bool) string {
	base := r.Def.Anonymity
	if base == "" {
		base = AnonNone
	}
	if asked && anonStrength[r.Def.AnonymousOption] > anonStrength[base] {
		return r.Def.AnonymousOption
	}
	return base
}

var anonStrength = map[string]int{AnonNone: 0, AnonFacilitators: 1, AnonFull: 2}

func namedKey(u UserID) string         { return "u:" + string(u) }
func anonymousKey(pseud string) string { return "a:" + pseud }

// answerOf returns the key and answer of u (or of u's pseudonym), if any.
func (r *Round) answerOf(u UserID, pseud string) (string, *Answer) {
	if a, ok := r.Answers[namedKey(u)]; ok {
		return namedKey(u), a
	}
	if pseud != "" {
		if a, ok := r.Answers[anonymousKey(pseud)]; ok {
			return anonymousKey(pseud), a
		}
	}
	return "", nil
}

// Final is what a round counted when it closed: the progress per group and
// the keys of the answers that counted.
type Final struct {
	Progress []Progress `json:"progress"`
	Answers  []string   `json:"answers,omitempty"`
}

// finalOf takes the tally of r as it stands, to record at closing.
func (p *Process) finalOf(r *Round, env Env) *Final {
	answers, _ := p.tally(r, env)
	return &Final{Progress: p.Progress(r, env), Answers: sortedKeys(answers)}
}

// Progress is how far a group is in a round.
type Progress struct {
	Group    GroupID
	Members  int
	Answered int
	Passed   int
}

// Waiting is how many members have neither answered nor passed.
func (g Progress) Waiting() int { return g.Members - g.Answered - g.Passed }

// passKey is the key u's pass is stored under: pseudonymous in a round that
// offers anonymity, so that passing and then answering anonymously never
// puts the person's id next to their anonymous answer.
func (r *Round) passKey(u UserID, pseud string) string {
	if r.Anonymous() {
		return anonymousKey(pseud)
	}
	return namedKey(u)
}

// tally returns the answers and passes that count: those of people still
// taking part, each in the group they are in now. What someone said stays
// in the log when they leave or move, but an open round counts and
// summarises only current participants. Matching anonymous records to
// people takes the keyed hash of each, so it is done only when needed:
// when someone left during the round, and for passes of people who later
// answered by name (their pseudonymous pass could not be cleared without
// tying the two).
func (p *Process) tally(r *Round, env Env) (map[string]*Answer, map[string]GroupID) {
	if r.Final != nil {
		answers := make(map[string]*Answer, len(r.Final.Answers))
		for _, k := range r.Final.Answers {
			if a := r.Answers[k]; a != nil {
				answers[k] = a
			}
		}
		return answers, nil
	}
	answers, passes := r.Answers, r.Passes
	if r.Departures > 0 {
		current := map[string]GroupID{}
		for _, m := range p.Participants(r) {
			current[namedKey(m.User)] = m.Group
			if r.Anonymous() {
				current[anonymousKey(env.pseudonym(p, r, m.User))] = m.Group
			}
		}
		answers = make(map[string]*Answer, len(r.Answers))
		for k, a := range r.Answers {
			if g, ok := current[k]; ok && g == a.Group {
				answers[k] = a
			}
		}
		passes = make(map[string]GroupID, len(r.Passes))
		for k, pg := range r.Passes {
			if g, ok := current[k]; ok && g == pg {
				passes[k] = pg
			}
		}
	}
	if r.Anonymous() && len(passes) > 0 {
		var superseded []string
		for _, a := range answers {
			if a.Author != "" {
				if k := anonymousKey(env.pseudonym(p, r, a.Author)); passes[k] != "" {
					superseded = append(superseded, k)
				}
			}
		}
		if len(superseded) > 0 {
			kept := make(map[string]GroupID, len(passes))
			for k, g := range passes {
				kept[k] = g
			}
			for _, k := range superseded {
				delete(kept, k)
			}
			passes = kept
		}
	}
	return answers, passes
}

// Answers returns the answers in r that count (see tally).
func (p *Process) Answers(r *Round, env Env) map[string]*Answer {
	answers, _ := p.tally(r, env)
	return answers
}

// Progress returns the progress of each group taking part in r, in the
// process's group order, counting current participants only.
func (p *Process) Progress(r *Round, env Env) []Progress {
	if r.Final != nil {
		return r.Final.Progress
	}
	if r.Def.Consent {
		var out []Progress
		for _, g := range r.Groups {
			t := p.ConsentTally(r, g)
			out = append(out, Progress{Group: g, Members: t.Members, Answered: t.Answered})
		}
		return out
	}
	answers, passes := p.tally(r, env)
	var out []Progress
	for _, g := range p.Groups {
		if !r.Joint && !slices.Contains(r.Groups, g.ID) {
			continue
		}
		pr := Progress{Group: g.ID}
		for _, m := range p.MembersOf(g.ID) {
			if !r.Joint || m.Joint {
				pr.Members++
			}
		}
		for _, a := range answers {
			if a.Group == g.ID {
				pr.Answered++
			}
		}
		for _, pg := range passes {
			if pg == g.ID {
				if passedCountsAsAnswered {
					pr.Answered++
				} else {
					pr.Passed++
				}
			}
		}
		if r.Joint && pr.Members == 0 {
			continue
		}
		out = append(out, pr)
	}
	return out
}

// waiting returns the participants of r who have neither answered nor
// passed; in a consent round, the members of groups still voting who have
// not answered.
func (p *Process) waiting(r *Round, env Env) []*Member {
	if r.Def.Consent {
		var out []*Member
		for _, m := range p.Participants(r) {
			if r.voting(m.Group) && (r.Votes[m.User] == nil || r.Votes[m.User].Choice == "") {
				out = append(out, m)
			}
		}
		return out
	}
	answers, passes := p.tally(r, env)
	var out []*Member
	for _, m := range p.Participants(r) {
		keys := []string{namedKey(m.User)}
		if r.Anonymous() {
			keys = append(keys, anonymousKey(env.pseudonym(p, r, m.User)))
		}
		done := false
		for _, k := range keys {
			if answers[k] != nil || passes[k] != "" {
				done = true
			}
		}
		if !done && !r.heldBy(m.User) {
			out = append(out, m)
		}
	}
	return out
}

// Total sums the progress of all groups.
func Total(ps []Progress) Progress {
	var t Progress
	for _, g := range ps {
		t.Members += g.Members
		t.Answered += g.Answered
		t.Passed += g.Passed
	}
	return t
}
