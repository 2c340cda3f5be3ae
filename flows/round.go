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

	Answers map[string]*Answer `json:"answers,omitempty"`
	Passed  map[UserID]bool    `json:"passed,omitempty"`
	// Departures counts members in scope who left while the round was open.
	// While it is zero every stored answer is a current member's.
	Departures int `json:"departures,omitempty"`

	Closed      time.Time `json:"closed,omitzero"`
	CloseReason string    `json:"close_reason,omitempty"`
	Relayed     bool      `json:"relayed,omitempty"`
}

// Reasons a round closed.
const (
	ClosedByFacilitator = "facilitator"
	ClosedAtDeadline    = "deadline"
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
}

// Open reports whether the round still takes answers.
func (r *Round) Open() bool { return r.Closed.IsZero() }

// Anonymous reports whether a person may, or must, answer without their name.
func (r *Round) Anonymous() bool {
	return r.Def.Anonymity != AnonNone || (r.Def.AnonymousOption != "" && r.Def.AnonymousOption != AnonNone)
}

// AnonymousLevel is the level an answer gets when its author asks for anonymity.
func (r *Round) AnonymousLevel() string {
	if r.Def.AnonymousOption != "" && r.Def.AnonymousOption != AnonNone {
		return r.Def.AnonymousOption
	}
	return r.Def.Anonymity
}

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

// Progress is how far a group is in a round.
type Progress struct {
	Group    GroupID
	Members  int
	Answered int
	Passed   int
}

// Waiting is how many members have neither answered nor passed.
func (g Progress) Waiting() int { return g.Members - g.Answered - g.Passed }

// Answers returns the answers in r that count: those of people who are still
// taking part. What someone said stays in the log when they leave, but an
// open round counts and summarises only current participants. For anonymous
// answers that takes the keyed hash of every participant, so it is done only
// when someone left during the round.
func (p *Process) Answers(r *Round, env Env) map[string]*Answer {
	if r.Departures == 0 {
		return r.Answers
	}
	current := map[string]bool{}
	for _, m := range p.Participants(r) {
		current[namedKey(m.User)] = true
		if r.Anonymous() {
			current[anonymousKey(env.pseudonym(p, r, m.User))] = true
		}
	}
	out := make(map[string]*Answer, len(r.Answers))
	for k, a := range r.Answers {
		if current[k] {
			out[k] = a
		}
	}
	return out
}

// Progress returns the progress of each group taking part in r, in the
// process's group order, counting current participants only.
func (p *Process) Progress(r *Round, env Env) []Progress {
	answers := p.Answers(r, env)
	var out []Progress
	for _, g := range p.Groups {
		if !r.Joint && !slices.Contains(r.Groups, g.ID) {
			continue
		}
		pr := Progress{Group: g.ID}
		for _, m := range p.MembersOf(g.ID) {
			if r.Joint && !m.Joint {
				continue
			}
			pr.Members++
			if r.Passed[m.User] {
				if passedCountsAsAnswered {
					pr.Answered++
				} else {
					pr.Passed++
				}
			}
		}
		for _, a := range answers {
			if a.Group == g.ID {
				pr.Answered++
			}
		}
		if r.Joint && pr.Members == 0 {
			continue
		}
		out = append(out, pr)
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
