package flows

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Event is one entry in a process's log. Anonymous events (a fully anonymous
// answer) carry no Actor and no time: nothing in the log ties them to a
// person, not even when they happened.
type Event struct {
	Version int64     // position in the log, from 1
	Key     string    // idempotency key: the action's key and the event's index
	At      time.Time // zero for anonymous events
	Actor   UserID    // empty for anonymous and timer events
	Data    EventData
}

// EventData is the typed content of an event.
type EventData interface {
	// EventType is the stable name the event is stored under.
	EventType() string
	apply(p *Process, e *Event)
}

type wireEvent struct {
	Version int64           `json:"v"`
	Key     string          `json:"key"`
	At      time.Time       `json:"at,omitzero"`
	Actor   UserID          `json:"actor,omitempty"`
	Type    string          `json:"type"`
	Data    json.RawMessage `json:"data"`
}

// MarshalJSON encodes the event with its type name.
func (e Event) MarshalJSON() ([]byte, error) {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return nil, fmt.Errorf("encode %s event: %w", e.Data.EventType(), err)
	}
	return json.Marshal(wireEvent{e.Version, e.Key, e.At, e.Actor, e.Data.EventType(), data})
}

// UnmarshalJSON decodes an event of any known type.
func (e *Event) UnmarshalJSON(b []byte) error {
	var w wireEvent
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("decode event: %w", err)
	}
	newData, ok := eventTypes[w.Type]
	if !ok {
		return fmt.Errorf("decode event %d: unknown type %q", w.Version, w.Type)
	}
	data := newData()
	if err := json.Unmarshal(w.Data, data); err != nil {
		return fmt.Errorf("decode %s event %d: %w", w.Type, w.Version, err)
	}
	*e = Event{Version: w.Version, Key: w.Key, At: w.At, Actor: w.Actor, Data: data}
	return nil
}

var eventTypes = map[string]func() EventData{}

func registerEvent[T any, PT interface {
	*T
	EventData
}]() {
	var zero PT = new(T)
	eventTypes[zero.EventType()] = func() EventData { return PT(new(T)) }
}

func init() {
	registerEvent[ProcessCreated]()
	registerEvent[TemplateChosen]()
	registerEvent[SettingChanged]()
	registerEvent[FacilitatorCodeIssued]()
	registerEvent[FacilitatorAdded]()
	registerEvent[GroupLinked]()
	registerEvent[JointLinked]()
	registerEvent[MemberJoined]()
	registerEvent[JointJoined]()
	registerEvent[MemberLeft]()
	registerEvent[JointLeft]()
	registerEvent[MemberRenamed]()
	registerEvent[StepStarted]()
	registerEvent[RoundOpened]()
	registerEvent[AnswerGiven]()
	registerEvent[AnswerWithdrawn]()
	registerEvent[Passed]()
	registerEvent[PassWithdrawn]()
	registerEvent[ReminderSent]()
	registerEvent[RoundClosed]()
	registerEvent[SummaryRelayed]()
	registerEvent[PersonForgotten]()
	registerEvent[RetentionNoticed]()
	registerEvent[LogRewritten]()
	registerDecisionEvents()
}

// Apply folds one event into the state.
func (p *Process) Apply(e *Event) {
	if _, vote := e.Data.(*VoteCast); !vote {
		p.dropTallies() // see tally_cache.go
	}
	e.Data.apply(p, e)
	p.Version = e.Version
	if e.Actor != "" && e.At.After(p.LastActive) {
		p.LastActive = e.At
	}
}

// ProcessCreated starts a process; its actor is the first facilitator.
type ProcessCreated struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Name     string    `json:"name"` // the creator's name
	Template *Template `json:"template"`
	Language string    `json:"language,omitempty"`
}

func (*ProcessCreated) EventType() string { return "process_created" }
func (ev *ProcessCreated) apply(p *Process, e *Event) {
	*p = Process{
		ID:           ev.ID,
		Title:        ev.Title,
		Created:      e.At,
		Template:     ev.Template,
		Set:          map[string]string{},
		Facilitators: map[UserID]*Facilitator{e.Actor: {User: e.Actor, Name: ev.Name, Since: e.At}},
		Members:      map[UserID]*Member{},
	}
	if ev.Language != "" {
		p.Set[SetLanguage] = ev.Language
	}
}

// TemplateChosen replaces the process's template (only before it starts).
type TemplateChosen struct {
	Template *Template `json:"template"`
}

func (*TemplateChosen) EventType() string             { return "template_chosen" }
func (ev *TemplateChosen) apply(p *Process, _ *Event) { p.Template = ev.Template }
func (*SettingChanged) EventType() string             { return "setting_changed" }
func (*FacilitatorCodeIssued) EventType() string      { return "facilitator_code_issued" }
func (*FacilitatorAdded) EventType() string           { return "facilitator_added" }
func (*GroupLinked) EventType() string                { return "group_linked" }
func (*JointLinked) EventType() string                { return "joint_linked" }
func (ev *JointLinked) apply(p *Process, _ *Event)    { p.Joint = ev.Chat }
func (*MemberJoined) EventType() string               { return "member_joined" }
func (*JointJoined) EventType() string                { return "joint_joined" }
func (*MemberLeft) EventType() string                 { return "member_left" }
func (*JointLeft) EventType() string                  { return "joint_left" }
func (*MemberRenamed) EventType() string              { return "member_renamed" }
func (*StepStarted) EventType() string                { return "step_started" }
func (ev *StepStarted) apply(p *Process, _ *Event)    { p.Step = ev.Step }
func (*RoundOpened) EventType() string                { return "round_opened" }
func (*AnswerGiven) EventType() string                { return "answer_given" }
func (*AnswerWithdrawn) EventType() string            { return "answer_withdrawn" }
func (*Passed) EventType() string                     { return "passed" }
func (*ReminderSent) EventType() string               { return "reminder_sent" }
func (*RoundClosed) EventType() string                { return "round_closed" }
func (*SummaryRelayed) EventType() string             { return "summary_relayed" }
func (ev *SummaryRelayed) apply(p *Process, _ *Event) { p.Round(ev.Round).Relayed = true }
func (ev *ReminderSent) apply(p *Process, _ *Event)   { p.Round(ev.Round).RemindersSent = ev.N }
func (ev *MemberRenamed) apply(p *Process, _ *Event)  { p.Members[ev.User].Name = ev.Name }
func (ev *FacilitatorCodeIssued) apply(p *Process, _ *Event) {
	if p.Codes == nil {
		p.Codes = map[string]time.Time{}
	}
	p.Codes[ev.Hash] = ev.Expires
}

// SettingChanged records a /set. The title and language are settings too.
type SettingChanged struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func (ev *SettingChanged) apply(p *Process, _ *Event) {
	if ev.Key == SetTitle {
		p.Title = ev.Value
		return
	}
	p.Set[ev.Key] = ev.Value
}

// FacilitatorCodeIssued records a one-time co-facilitator code, by its hash only.
type FacilitatorCodeIssued struct {
	Hash    string    `json:"hash"`
	Expires time.Time `json:"expires"`
}

// FacilitatorAdded makes User a co-facilitator; the code is used up.
type FacilitatorAdded struct {
	User     UserID `json:"user"`
	Name     string `json:"name"`
	CodeHash string `json:"code_hash"`
}

func (ev *FacilitatorAdded) apply(p *Process, e *Event) {
	p.Facilitators[ev.User] = &Facilitator{User: ev.User, Name: ev.Name, Since: e.At}
	delete(p.Codes, ev.CodeHash)
}

// GroupLinked makes a chat one of the process's groups.
type GroupLinked struct {
	Group GroupID `json:"group"`
	Name  string  `json:"name"`
	Chat  ChatID  `json:"chat"`
}

func (ev *GroupLinked) apply(p *Process, _ *Event) {
	p.Groups = append(p.Groups, &Group{ID: ev.Group, Name: ev.Name, Chat: ev.Chat})
}

// JointLinked makes a chat the joint chat (gezamenlijke kring).
type JointLinked struct {
	Chat ChatID `json:"chat"`
}

// MemberJoined records that User consented to the rules and joined Group.
type MemberJoined struct {
	User  UserID  `json:"user"`
	Group GroupID `json:"group"`
	Name  string  `json:"name"`
}

func (ev *MemberJoined) apply(p *Process, e *Event) {
	p.Members[ev.User] = &Member{User: ev.User, Group: ev.Group, Name: ev.Name, Since: e.At}
	p.membersChanged()
}

// JointJoined records that a member joined the joint chat too.
type JointJoined struct {
	User UserID `json:"user"`
}

func (ev *JointJoined) apply(p *Process, _ *Event) { p.Members[ev.User].Joint = true }

// MemberLeft records that User left the process. What they said in open
// rounds is not touched here: recording which anonymous answer was theirs
// would tie them to it. Reads filter answers to current members instead
// (Process.Answers), and Departures tells them when that costs anything.
type MemberLeft struct {
	User UserID `json:"user"`
}

func (ev *MemberLeft) apply(p *Process, _ *Event) {
	m := p.Members[ev.User]
	for _, r := range p.Rounds {
		if r.Open() && (slices.Contains(r.Groups, m.Group) || (r.Joint && m.Joint)) {
			r.Departures++
		}
	}
	delete(p.Members, ev.User)
	p.membersChanged()
}

// JointLeft records that a member left the joint chat (staying in their group).
type JointLeft struct {
	User UserID `json:"user"`
}

func (ev *JointLeft) apply(p *Process, _ *Event) {
	for _, r := range p.Rounds {
		if r.Open() && r.Joint {
			r.Departures++
		}
	}
	p.Members[ev.User].Joint = false
}

// MemberRenamed records the name others now see.
type MemberRenamed struct {
	User UserID `json:"user"`
	Name string `json:"name"`
}

// StepStarted records that /next moved the process to Step (1-based).
type StepStarted struct {
	Step int    `json:"step"`
	Kind string `json:"kind"`
}

// RoundOpened opens a round.
type RoundOpened struct {
	Round *Round `json:"round"`
}

func (ev *RoundOpened) apply(p *Process, _ *Event) {
	r := *ev.Round
	r.Answers = map[string]*Answer{}
	r.Passes = map[string]GroupID{}
	r.Votes = map[UserID]*Vote{}
	r.Decisions = map[GroupID]*GroupDecision{}
	r.Extended = map[GroupID]time.Time{}
	p.Rounds = append(p.Rounds, &r)
	if r.Def.Consent {
		// The groups decide on this version again: confirmations given
		// on an earlier decision no longer stand.
		delete(p.Proposal(r.Proposal).Confirmed, r.Version)
	}
}

// AnswerGiven records an answer, replacing the author's earlier answer or
// pass in the round (Replaces names the earlier answer's key).
type AnswerGiven struct {
	Round    int    `json:"round"`
	Key      string `json:"key"`
	Replaces string `json:"replaces,omitempty"`
	Answer   Answer `json:"answer"`
}

func (ev *AnswerGiven) apply(p *Process, e *Event) {
	r := p.Round(ev.Round)
	if ev.Replaces != "" {
		delete(r.Answers, ev.Replaces)
	}
	a := ev.Answer
	r.Answers[ev.Key] = &a
	delete(r.Passes, ev.Key)
	// A new text is judged anew: a hiding was about the old one.
	delete(r.Hidden, ev.Key)
	delete(r.Hidden, ev.Replaces)
	if r.Joint && a.Author != "" {
		if r.LastAnswer == nil {
			r.LastAnswer = map[UserID]time.Time{}
		}
		r.LastAnswer[a.Author] = e.At
	}
}

// AnswerWithdrawn removes an answer from a round.
type AnswerWithdrawn struct {
	Round int    `json:"round"`
	Key   string `json:"key"`
}

func (ev *AnswerWithdrawn) apply(p *Process, _ *Event) {
	r := p.Round(ev.Round)
	delete(r.Answers, ev.Key)
	delete(r.Hidden, ev.Key)
}

// Passed records a pass in Round under Key (the person's, or in a round
// that offers anonymity their pseudonym: then the event has no actor),
// replacing the answer under Withdrawn if any.
type Passed struct {
	Round     int     `json:"round"`
	Key       string  `json:"key"`
	Group     GroupID `json:"group"`
	Withdrawn string  `json:"withdrawn,omitempty"`
}

func (ev *Passed) apply(p *Process, _ *Event) {
	r := p.Round(ev.Round)
	if ev.Withdrawn != "" {
		delete(r.Answers, ev.Withdrawn)
	}
	r.Passes[ev.Key] = ev.Group
	if t := r.Turns[turnKey(r, ev.Group)]; t != nil {
		dropHeld(t, UserID(strings.TrimPrefix(ev.Key, "u:"))) // a pass replaces an answer kept for one's turn
	}
}

// PassWithdrawn removes the pass under Key from Round.
type PassWithdrawn struct {
	Round int    `json:"round"`
	Key   string `json:"key"`
}

func (*PassWithdrawn) EventType() string { return "pass_withdrawn" }
func (ev *PassWithdrawn) apply(p *Process, _ *Event) {
	delete(p.Round(ev.Round).Passes, ev.Key)
}

// ReminderSent records that the round's reminder number N went out.
type ReminderSent struct {
	Round int `json:"round"`
	N     int `json:"n"`
}

// RoundClosed closes a round: no more answers.
type RoundClosed struct {
	Round  int    `json:"round"`
	Reason string `json:"reason"`
	// Final is what the round counted at closing, so that its summary and
	// the record stay as they were when people joined or left later.
	Final *Final `json:"final,omitempty"`
}

func (ev *RoundClosed) apply(p *Process, e *Event) {
	r := p.Round(ev.Round)
	r.Closed = e.At
	r.CloseReason = ev.Reason
	r.Final = ev.Final
}

// SummaryRelayed records that a round's summary was shared, approved by
// the event's actor (or automatically, without one).
type SummaryRelayed struct {
	Round int `json:"round"`
}
