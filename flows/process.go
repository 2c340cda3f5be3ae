package flows

import (
	"slices"
	"strings"
	"time"
)

// Process is the state of one samenlevingsproces: the fold of its events.
// It is also the snapshot format, so every field is exported and encoded;
// code outside this package reads it and changes it only through events.
type Process struct {
	ID       string            `json:"id"`
	Title    string            `json:"title"`
	Version  int64             `json:"version"`
	Created  time.Time         `json:"created"`
	Template *Template         `json:"template"`
	Set      map[string]string `json:"set,omitempty"`

	Facilitators map[UserID]*Facilitator `json:"facilitators"`
	// Codes holds the hashes of unused co-facilitator codes and when they expire.
	Codes map[string]time.Time `json:"codes,omitempty"`

	Groups  []*Group           `json:"groups,omitempty"`
	Joint   ChatID             `json:"joint,omitempty"`
	Members map[UserID]*Member `json:"members,omitempty"`
	Rounds  []*Round           `json:"rounds,omitempty"`
	Step    int                `json:"step,omitempty"` // steps started so far

	Proposals   []*Proposal   `json:"proposals,omitempty"`
	Objections  []*Objection  `json:"objections,omitempty"`
	Nominations []*Nomination `json:"nominations,omitempty"`
	// EvaluationOpened marks that the evaluation date's round was opened.
	EvaluationOpened bool `json:"evaluation_opened,omitempty"`
	// PausedAt is when a facilitator paused the process (zero: running).
	// While paused nothing moves: no answers, no votes, no timers.
	PausedAt time.Time `json:"paused_at,omitzero"`
	// TimeoutAsked is when each person last asked for a time-out.
	TimeoutAsked map[UserID]time.Time `json:"timeout_asked,omitempty"`

	// LastActive is when a person last did something (timers and
	// anonymous answers leave it alone); retention counts from it.
	LastActive time.Time `json:"last_active,omitzero"`
	// Forgotten counts the people who asked to be forgotten; Erasing holds
	// those whose erasure has not been written yet (see Forget).
	Forgotten int `json:"forgotten,omitempty"`
	// Former are facilitators who were forgotten, by alias: their
	// interventions stay in the record.
	Former  map[UserID]*Facilitator `json:"former,omitempty"`
	Erasing []UserID                `json:"erasing,omitempty"`
	// RetentionNoticed is when the facilitators were told that the process
	// will be deleted for inactivity (see RetentionNotice).
	RetentionNoticed time.Time `json:"retention_noticed,omitzero"`

	// byGroup indexes Members by group, sorted by id (MembersOf): derived,
	// built when first asked for and dropped when membership changes.
	byGroup map[GroupID][]*Member
	// tallies caches consent tallies (tally_cache.go), derived the same way.
	tallies map[tallyKey]Tally
}

// Facilitator is a gespreksleider of the process.
type Facilitator struct {
	User  UserID    `json:"user"`
	Name  string    `json:"name"`
	Since time.Time `json:"since"`
}

// Group is a partij: people who share a position, in one chat.
type Group struct {
	ID   GroupID `json:"id"`
	Name string  `json:"name"`
	Chat ChatID  `json:"chat"`
	// Reps are the group's representatives (vertegenwoordigers), at most MaxReps.
	Reps []UserID `json:"reps,omitempty"`
}

// Member is a participant (deelnemer). Each belongs to exactly one group; a
// member who also joined in the joint chat takes part in joint rounds.
type Member struct {
	User  UserID    `json:"user"`
	Group GroupID   `json:"group"`
	Name  string    `json:"name"`
	Joint bool      `json:"joint,omitempty"`
	Since time.Time `json:"since"`
}

// Role is what a person may do in a process.
type Role int

const (
	RoleNone Role = iota
	RoleMember
	RoleFacilitator
)

// requireRunning refuses what cannot happen while the process is paused:
// a facilitator is reminded how to go on, anyone else that it will.
func (p *Process) requireRunning(u UserID) error {
	switch {
	case p.PausedAt.IsZero():
		return nil
	case p.IsFacilitator(u):
		return Refuse(ErrPausedFacilitator, "title", p.Title)
	}
	return Refuse(ErrPaused, "title", p.Title)
}

// RoleOf returns u's role in the process.
func (p *Process) RoleOf(u UserID) Role {
	if _, ok := p.Facilitators[u]; ok {
		return RoleFacilitator
	}
	if _, ok := p.Members[u]; ok {
		return RoleMember
	}
	return RoleNone
}

// RepOf returns the group u represents, or nil.
func (p *Process) RepOf(u UserID) *Group {
	for _, g := range p.Groups {
		if slices.Contains(g.Reps, u) {
			return g
		}
	}
	return nil
}

// Proposal returns proposal n, or nil.
func (p *Process) Proposal(n int) *Proposal {
	if n < 1 || n > len(p.Proposals) {
		return nil
	}
	return p.Proposals[n-1]
}

// Objection returns objection id, or nil.
func (p *Process) Objection(id int) *Objection {
	if id < 1 || id > len(p.Objections) {
		return nil
	}
	return p.Objections[id-1]
}

// Nomination returns nomination id, or nil.
func (p *Process) Nomination(id int) *Nomination {
	if id < 1 || id > len(p.Nominations) {
		return nil
	}
	return p.Nominations[id-1]
}

// IsFacilitator reports whether u facilitates the process.
func (p *Process) IsFacilitator(u UserID) bool { return p.RoleOf(u) == RoleFacilitator }

// Group returns the group with id, or nil.
func (p *Process) Group(id GroupID) *Group {
	for _, g := range p.Groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// GroupByChat returns the group living in chat, or nil.
func (p *Process) GroupByChat(chat ChatID) *Group {
	for _, g := range p.Groups {
		if g.Chat == chat {
			return g
		}
	}
	return nil
}

// GroupByName returns the group with that name (ignoring case), or nil.
func (p *Process) GroupByName(name string) *Group {
	for _, g := range p.Groups {
		if strings.EqualFold(g.Name, name) {
			return g
		}
	}
	return nil
}

// Round returns round n, or nil.
func (p *Process) Round(n int) *Round {
	if n < 1 || n > len(p.Rounds) {
		return nil
	}
	return p.Rounds[n-1]
}

// OpenRounds returns the rounds that are still open, oldest first.
func (p *Process) OpenRounds() []*Round {
	var open []*Round
	for _, r := range p.Rounds {
		if r.Open() {
			open = append(open, r)
		}
	}
	return open
}

// OpenRoundIn returns the open round whose scope includes chat, or nil.
func (p *Process) OpenRoundIn(chat ChatID) *Round {
	for _, r := range p.Rounds {
		if r.Open() && p.roundCoversChat(r, chat) {
			return r
		}
	}
	return nil
}

func (p *Process) roundCoversChat(r *Round, chat ChatID) bool {
	if r.Joint {
		return p.Joint == chat
	}
	g := p.GroupByChat(chat)
	return g != nil && slices.Contains(r.Groups, g.ID)
}

// Participants returns the members who take part in round r: the members of
// its groups, or for a joint round the members who joined the joint chat.
func (p *Process) Participants(r *Round) []*Member {
	var out []*Member
	for _, u := range sortedKeys(p.Members) {
		m := p.Members[UserID(u)]
		if r.Joint {
			if m.Joint {
				out = append(out, m)
			}
		} else if slices.Contains(r.Groups, m.Group) {
			out = append(out, m)
		}
	}
	return out
}

// MembersOf returns the members of group g, by user id.
func (p *Process) MembersOf(g GroupID) []*Member {
	if p.byGroup == nil {
		p.byGroup = map[GroupID][]*Member{}
		for _, u := range sortedKeys(p.Members) {
			m := p.Members[u]
			p.byGroup[m.Group] = append(p.byGroup[m.Group], m)
		}
	}
	return p.byGroup[g]
}

// membersChanged drops the index MembersOf keeps: an event added or
// removed a member.
func (p *Process) membersChanged() { p.byGroup = nil }

// Chats returns every chat of the process: the groups' and the joint chat.
func (p *Process) Chats() []ChatID {
	var out []ChatID
	for _, g := range p.Groups {
		out = append(out, g.Chat)
	}
	if p.Joint != "" {
		out = append(out, p.Joint)
	}
	return out
}

// FacilitatorIDs returns the facilitators' user ids, sorted.
func (p *Process) FacilitatorIDs() []UserID {
	var out []UserID
	for _, u := range sortedKeys(p.Facilitators) {
		out = append(out, UserID(u))
	}
	return out
}

// Kind returns the definition of kind name in the process's template, or nil.
func (p *Process) Kind(name string) *Kind { return p.Template.Kind(name) }

// CurrentStep returns the step last started with /next (1-based) and its
// definition; ok is false before the first step.
func (p *Process) CurrentStep() (n int, step Step, ok bool) {
	if p.Step < 1 || p.Step > len(p.Template.Steps) {
		return p.Step, Step{}, false
	}
	return p.Step, p.Template.Steps[p.Step-1], true
}
