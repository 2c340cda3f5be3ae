package flows

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Env is everything from outside the engine a decision may depend on.
type Env struct {
	// Now is the time of the action.
	Now time.Time
	// Seed varies what the method wants varied (the order of anonymous
	// answers in a summary). Give the same seed for the same action.
	Seed int64
	// Pseudonym returns a keyed hash of its parts (an HMAC with the server's
	// secret): the same person in the same round always gets the same value,
	// and nobody without the secret can tell whose it is.
	Pseudonym func(parts ...string) string
	// ValidZone reports whether an IANA time zone name is known.
	ValidZone func(name string) bool
	// Location returns the time zone with that name (nil if unknown).
	Location func(name string) *time.Location
	// Templates are the templates a process may switch to, by name.
	Templates map[string]*Template
}

func (env Env) pseudonym(p *Process, r *Round, u UserID) string {
	return env.Pseudonym(p.ID, strconv.Itoa(r.N), string(u))
}

func (env Env) location(name string) *time.Location {
	if env.Location == nil {
		return time.UTC
	}
	if loc := env.Location(name); loc != nil {
		return loc
	}
	return time.UTC
}

// Decision is what the engine decided: events to record, messages to send,
// and the direct reply to the person who acted.
type Decision struct {
	// Events to append, in order (Version and Key are filled in by the caller).
	Events []Event
	// Messages go through the durable outbox, in order per chat.
	Messages []Message
	// Reply answers the actor at once (not through the outbox): in the chat
	// the action came from, or only to the actor (Private).
	Reply *Message
	// Await asks the caller to take the actor's next private text as an
	// answer (after a button for a private or anonymous answer).
	Await *Await
	// Anonymous marks a decision whose actor must leave no trace: its events
	// carry no actor and no time, its idempotency key must be stored only
	// as a keyed hash, and nothing may log who acted.
	Anonymous bool
	// Done ends an Await: the answer it waited for has arrived.
	Done bool

	build []func(q *Process) []Message
}

// Await is pending input: what the next text the person sends privately
// is for. It lives outside the log, as a short-lived value, and is deleted
// as soon as the text arrives: it holds a half-filled objection form, and
// for an anonymous answer the fact that this person is about to give one.
type Await struct {
	Process string `json:"p"`
	// Purpose says what the text is: an answer (""), a concern, a field of
	// the objection form, a question, a reason for objecting to a proposed
	// representative, a reason for classifying an amendment or for
	// withdrawing a confirmation, an intake answer (N: the question), the
	// answer to hide and why, or a facilitator's synthesis.
	Purpose   string   `json:"for,omitempty"`
	Round     int      `json:"r,omitempty"`
	Anonymous bool     `json:"anon,omitempty"`
	N         int      `json:"n,omitempty"` // the proposal or nomination
	V         int      `json:"v,omitempty"` // the version, when classifying
	Arg       string   `json:"a,omitempty"` // the classification chosen
	Fields    []string `json:"f,omitempty"` // the objection form so far
	// Withdrawn says that asking for this anonymous answer withdrew the
	// person's named one (which a form must say, as the reply did).
	Withdrawn bool `json:"w,omitempty"`
	// Level is the anonymity the person was told their answer gets.
	Level string `json:"l,omitempty"`
	// ByForm says the person was shown a form for it: the text comes
	// through that form only, never as a later private message (which
	// they would not know was taken as the answer).
	ByForm bool `json:"form,omitempty"`
}

// Purposes of pending input.
const (
	PurposeAnswer       = ""
	PurposeConcern      = "concern"
	PurposeObjection    = "objection"
	PurposeQuestion     = "question"
	PurposeRepObjection = "rep_objection"
	PurposeClassify     = "classify"
	PurposeUnconfirm    = "unconfirm"
	PurposeSilence      = "silence"
	PurposeIntake       = "intake"
	PurposeHide         = "hide"
	PurposeSynthesis    = "synthesis"
)

// PrivateText is text someone sent the bot privately while it waited for
// it (Await): an answer, a concern, the next field of an objection form, …
type PrivateText struct {
	Actor Actor
	Await Await
	Text  string
}

func (c PrivateText) decide(p *Process, env Env) (*Decision, error) {
	a := c.Await
	switch a.Purpose {
	case PurposeAnswer:
		return GiveAnswer{Actor: c.Actor, Round: a.Round, Text: c.Text, Anonymous: a.Anonymous, Level: a.Level}.decide(p, env)
	case PurposeConcern:
		return CastVote{Actor: c.Actor, Round: a.Round, Choice: VoteConcern, Concern: c.Text}.decide(p, env)
	case PurposeQuestion:
		return AskQuestion{Actor: c.Actor, Round: a.Round, Text: c.Text}.decide(p, env)
	case PurposeObjection:
		return p.objectionStep(c, env)
	case PurposeRepObjection:
		return ObjectToRep{Actor: c.Actor, Nomination: a.N, Reason: c.Text}.decide(p, env)
	case PurposeClassify:
		return Classify{Actor: c.Actor, Proposal: a.N, V: a.V, Change: a.Arg, Reason: c.Text}.decide(p, env)
	case PurposeUnconfirm:
		return WithdrawConfirmation{Actor: c.Actor, Proposal: a.N, Reason: c.Text}.decide(p, env)
	case PurposeIntake:
		return AnswerIntake{Actor: c.Actor, Round: a.Round, Text: c.Text}.decide(p, env)
	case PurposeHide:
		return HideAnswer{Actor: c.Actor, Round: a.Round, Text: c.Text}.decide(p, env)
	case PurposeSynthesis:
		return AddSynthesis{Actor: c.Actor, Round: a.Round, Text: c.Text}.decide(p, env)
	case PurposeSilence:
		return CountSilence{Actor: c.Actor, Round: a.Round, Group: GroupID(a.Arg), Reason: c.Text}.decide(p, env)
	}
	return &Decision{Done: true}, nil
}

// objectionStep takes one field of the objection form: every field is
// required and none is judged; the last one casts the vote.
func (p *Process) objectionStep(c PrivateText, env Env) (*Decision, error) {
	text := strings.TrimSpace(c.Text)
	if text == "" {
		return nil, Refuse(ErrFieldEmpty)
	}
	if _, _, err := p.consentRound(c.Await.Round, c.Actor); err != nil {
		return nil, err
	}
	fields := append(append([]string(nil), c.Await.Fields...), text)
	if len(fields) == len(ObjectionFields) {
		return CastVote{Actor: c.Actor, Round: c.Await.Round, Choice: VoteObjection, Form: fields}.decide(p, env)
	}
	next := c.Await
	next.Fields = fields
	m := private(L(MsgFormStep, "step", len(fields)+1, "steps", len(ObjectionFields)), L(ObjectionFields[len(fields)]))
	return &Decision{Await: &next, Reply: &m}, nil
}

// Changes reports whether the decision changes anything that must be stored.
func (d *Decision) Changes() bool { return len(d.Events) > 0 || len(d.Messages) > 0 }

// A Command is an action the engine decides on.
type Command interface {
	decide(p *Process, env Env) (*Decision, error)
}

// Execute decides on cmd against p, applies the resulting events to p (with
// versions after p.Version and idempotency keys derived from key) and then
// builds the messages, so that they describe the state after the decision
// (a round's live progress line). It returns a *UserError, and leaves p
// unchanged, when the action is not possible. After a decision the caller
// owns p's new state: if storing the decision fails, reload p.
func Execute(p *Process, cmd Command, env Env, key string) (*Decision, error) {
	if _, creating := cmd.(Create); !creating && (p == nil || p.Template == nil) {
		return nil, Refuse(ErrNoProcessHere)
	}
	d, err := cmd.decide(p, env)
	if err != nil {
		return nil, err
	}
	for i := range d.Events {
		e := &d.Events[i]
		e.Version = p.Version + 1
		e.Key = fmt.Sprintf("%s#%d", key, i)
		p.Apply(e)
	}
	for _, build := range d.build {
		d.Messages = append(d.Messages, build(p)...)
	}
	d.build = nil
	return d, nil
}

// decision helpers: every event is the actor's, at env.Now, unless anonymous.
type builder struct {
	d     Decision
	actor UserID
	now   time.Time
}

func newBuilder(actor UserID, env Env) *builder { return &builder{actor: actor, now: env.Now} }

func (b *builder) event(data EventData) {
	b.d.Events = append(b.d.Events, Event{At: b.now, Actor: b.actor, Data: data})
}

// anonymousEvent records data with no actor and no time.
func (b *builder) anonymousEvent(data EventData) {
	b.d.Anonymous = true
	b.d.Events = append(b.d.Events, Event{Data: data})
}

// send queues messages as they are.
func (b *builder) send(ms ...Message) {
	b.d.build = append(b.d.build, func(*Process) []Message { return ms })
}

// sendAfter queues messages built from the state after the decision's events.
func (b *builder) sendAfter(build func(q *Process) []Message) {
	b.d.build = append(b.d.build, build)
}

func (b *builder) reply(m Message) { b.d.Reply = &m }

func (b *builder) decision() *Decision { return &b.d }

// replyOnly answers the actor and changes nothing.
func replyOnly(m Message) *Decision { return &Decision{Reply: &m} }

// private is a reply shown only to the actor.
func private(lines ...Line) Message {
	return Message{Private: true, Lines: lines}
}

// here is a reply in the chat the action came from.
func here(lines ...Line) Message { return Message{Lines: lines} }

// Create is /new: a new process with the actor as its first facilitator.
// Execute it on an empty Process.
type Create struct {
	Actor    Actor
	ID       string // generated by the caller; unique
	Title    string
	Template *Template
	Language string // the creator's language, if they chose one
}

func (c Create) decide(p *Process, env Env) (*Decision, error) {
	if p.Template != nil {
		panic("flows.Create on an existing process")
	}
	title := strings.TrimSpace(c.Title)
	if title == "" {
		return nil, Refuse(ErrNewNeedsTitle)
	}
	if len([]rune(title)) > maxTitleRunes {
		return nil, Refuse(ErrTitleTooLong, "max", maxTitleRunes)
	}
	if c.Template == nil || c.ID == "" {
		panic("flows.Create without template or id")
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&ProcessCreated{ID: c.ID, Title: title, Name: c.Actor.Name, Template: c.Template, Language: c.Language})
	lines := []Line{
		L(MsgCreated, "title", title, "code", c.ID, "template", c.Template.Title),
		L(MsgCreatedNext, "code", c.ID),
	}
	var buttons [][]Button
	for _, name := range sortedKeys(env.Templates) {
		if name == c.Template.Name {
			continue
		}
		buttons = append(buttons, []Button{{
			Label:  L(BtnUseTemplate, "template", env.Templates[name].Title),
			Intent: Intent{Do: DoTemplate, Process: c.ID, Arg: name},
		}})
	}
	reply := here(lines...)
	reply.Buttons = buttons
	b.reply(reply)
	return b.decision(), nil
}
