package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// moderated finds a closed round whose summary a facilitator may still
// change before it is shared.
func (p *Process) moderated(a Actor, n int) (*Round, error) {
	if err := requireFacilitator(p, a); err != nil {
		return nil, err
	}
	r := p.Round(n)
	switch {
	case r == nil || r.Def.Consent:
		return nil, Refuse(ErrButtonExpired)
	case r.Open():
		return nil, Refuse(ErrRoundNotClosed, "n", r.N)
	case r.Relayed:
		return nil, Refuse(ErrAlreadyShared, "n", r.N)
	case r.Def.Relay != RelayApprove:
		return nil, Refuse(ErrNotForRelay, "n", r.N)
	}
	return r, nil
}

// StartHide is the button under a preview: the facilitator's next private
// text says which answer to hide and why.
type StartHide struct {
	Actor Actor
	Round int
}

func (c StartHide) decide(p *Process, env Env) (*Decision, error) {
	r, err := p.moderated(c.Actor, c.Round)
	if err != nil {
		return nil, err
	}
	if r.Def.Private() {
		return nil, Refuse(ErrHideIntake, "n", r.N)
	}
	m := private(L(MsgAskHide, "n", r.N))
	return &Decision{Await: &Await{Process: p.ID, Purpose: PurposeHide, Round: r.N}, Reply: &m}, nil
}

// HideAnswer keeps one answer out of a round's shared summary. Text is
// "NR REASON": the answer's number in the preview and why, which its author
// is told. The hiding and its reason go into the record.
type HideAnswer struct {
	Actor Actor
	Round int
	Text  string
}

func (c HideAnswer) decide(p *Process, env Env) (*Decision, error) {
	r, err := p.moderated(c.Actor, c.Round)
	if err != nil {
		return endAwait(err)
	}
	if r.Def.Private() {
		return nil, Refuse(ErrHideIntake, "n", r.N)
	}
	first, reason, _ := strings.Cut(strings.TrimSpace(c.Text), " ")
	nr, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(first, "#"), "."))
	if err != nil || strings.TrimSpace(reason) == "" {
		return nil, Refuse(ErrHideHow)
	}
	if reason, err = reasonText(reason); err != nil {
		return nil, err
	}
	key, a, ok := p.numberedAnswer(r, env, nr)
	if !ok {
		return nil, Refuse(ErrNoSuchAnswer, "nr", nr, "n", r.N)
	}
	if _, hidden := r.Hidden[key]; hidden {
		return replyOnly(private(L(MsgAlreadyHidden, "nr", nr))), nil
	}
	b := newBuilder(c.Actor.User, env)
	b.d.Done = true
	b.event(&AnswerHidden{Round: r.N, Key: key, Reason: reason})
	if a.Author != "" {
		b.send(Message{To: ToUser(a.Author), Lines: []Line{
			L(MsgAnswerHiddenYou, "n", r.N, "kind", r.Def.Title, "reason", reason), L(MsgQuote, "text", a.Text)}})
	} else {
		// Nobody knows whose a fully anonymous answer is: its author reads
		// why in the chat, where nothing points at them.
		b.send(Message{To: ToChat(p.Group(a.Group).Chat), Lines: []Line{L(MsgAnonymousAnswerHidden, "n", r.N, "reason", reason)}})
	}
	b.sendPreviews(r.N, env)
	b.reply(private(L(MsgHidden, "nr", nr, "n", r.N), L(MsgQuote, "text", a.Text)))
	return b.decision(), nil
}

// sendPreviews sends every facilitator round n's preview as it stands
// after the decision.
func (b *builder) sendPreviews(n int, env Env) {
	b.sendAfter(func(q *Process) []Message {
		var out []Message
		for _, f := range q.FacilitatorIDs() {
			out = append(out, q.preview(q.Round(n), f, env))
		}
		return out
	})
}

// StartSynthesis is the button under a preview: the facilitator's next
// private text is their synthesis of the round.
type StartSynthesis struct {
	Actor Actor
	Round int
}

func (c StartSynthesis) decide(p *Process, env Env) (*Decision, error) {
	r, err := p.moderated(c.Actor, c.Round)
	if err != nil {
		return nil, err
	}
	m := private(L(MsgAskSynthesis, "n", r.N))
	return &Decision{Await: &Await{Process: p.ID, Purpose: PurposeSynthesis, Round: r.N}, Reply: &m}, nil
}

// AddSynthesis sets the facilitators' synthesis of a round, shared below
// its answers (a second one replaces the first).
type AddSynthesis struct {
	Actor Actor
	Round int
	Text  string
}

func (c AddSynthesis) decide(p *Process, env Env) (*Decision, error) {
	r, err := p.moderated(c.Actor, c.Round)
	if err != nil {
		return endAwait(err)
	}
	text := strings.TrimSpace(c.Text)
	switch {
	case text == "":
		return nil, Refuse(ErrEmptyAnswer)
	case len([]rune(text)) > MaxAnswerRunes:
		return nil, Refuse(ErrAnswerTooLong, "max", MaxAnswerRunes, "length", len([]rune(text)))
	}
	b := newBuilder(c.Actor.User, env)
	b.d.Done = true
	b.event(&SynthesisAdded{Round: r.N, Text: text})
	b.sendPreviews(r.N, env)
	b.reply(private(L(MsgSynthesisAdded, "n", r.N)))
	return b.decision(), nil
}

// Reopen is /reopen [N] [REASON]: a round closed by mistake takes answers
// again, until a new deadline. Only before its summary was shared: after
// that, people have read it and a new round is the honest way on.
type Reopen struct {
	Actor Actor
	Arg   string
}

func (c Reopen) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	if err := p.requireRunning(c.Actor.User); err != nil {
		return nil, err
	}
	first, reason, _ := strings.Cut(strings.TrimSpace(c.Arg), " ")
	r := p.lastClosedIn(c.Actor.Chat.ID)
	if isNumber(first) {
		n, _ := strconv.Atoi(strings.TrimPrefix(first, "#"))
		r = p.Round(n)
		if r == nil {
			return nil, Refuse(ErrNoSuchRound, "n", n)
		}
	} else {
		reason = strings.TrimSpace(c.Arg)
	}
	reason = strings.TrimSpace(reason)
	if n := len([]rune(reason)); n > maxReasonRunes {
		return nil, Refuse(ErrAnswerTooLong, "max", maxReasonRunes, "length", n)
	}
	switch {
	case r == nil:
		return nil, Refuse(ErrReopenWhich)
	case r.Open():
		return nil, Refuse(ErrRoundStillOpen, "n", r.N, "kind", r.Def.Title)
	case r.Def.Consent:
		return nil, Refuse(ErrReopenConsent, "n", r.N)
	case r.Relayed:
		return nil, Refuse(ErrReopenShared, "n", r.N)
	}
	for _, chat := range p.chatsOf(r.Groups, r.Joint) {
		if other := p.OpenRoundIn(chat); other != nil {
			return nil, Refuse(ErrRoundStillOpen, "n", other.N, "kind", other.Def.Title)
		}
	}
	// The round runs again as if opened now: a new deadline, and the
	// kind's reminders counted from now.
	ev := &RoundReopened{Round: r.N, Note: reason}
	if r.Def.Deadline > 0 {
		ev.Deadline = env.Now.Add(time.Duration(r.Def.Deadline))
	}
	for _, d := range r.Def.Reminders {
		ev.Reminders = append(ev.Reminders, env.Now.Add(time.Duration(d)))
	}
	b := newBuilder(c.Actor.User, env)
	b.event(ev)
	for _, chat := range p.chatsOf(r.Groups, r.Joint) {
		b.send(Message{To: ToChat(chat), Lines: []Line{L(MsgRoundReopened, "n", r.N, "kind", r.Def.Title)}})
	}
	n := r.N
	b.sendAfter(func(q *Process) []Message { return q.roundMessages(n, env, false) })
	p.tellSpeakers(b, r)
	b.reply(private(L(MsgReopenedYou, "n", r.N, "kind", r.Def.Title)))
	return b.decision(), nil
}

// lastClosedIn is the round most recently closed in chat, if any.
func (p *Process) lastClosedIn(chat ChatID) *Round {
	for i := len(p.Rounds) - 1; i >= 0; i-- {
		r := p.Rounds[i]
		if !r.Open() && !r.Def.Consent && slices.Contains(p.chatsOf(r.Groups, r.Joint), chat) {
			return r
		}
	}
	return nil
}

// AnswerHidden keeps an answer out of a round's shared summary.
type AnswerHidden struct {
	Round  int    `json:"round"`
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

// SynthesisAdded is the facilitators' synthesis of a round.
type SynthesisAdded struct {
	Round int    `json:"round"`
	Text  string `json:"text"`
}

// RoundReopened opens a closed round again, until Deadline (zero: none),
// with new Reminders.
type RoundReopened struct {
	Round     int         `json:"round"`
	Deadline  time.Time   `json:"deadline,omitzero"`
	Reminders []time.Time `json:"reminders,omitempty"`
	Note      string      `json:"note,omitempty"`
}

func (*AnswerHidden) EventType() string   { return "answer_hidden" }
func (*SynthesisAdded) EventType() string { return "synthesis_added" }
func (*RoundReopened) EventType() string  { return "round_reopened" }

func (ev *AnswerHidden) apply(p *Process, _ *Event) {
	r := p.Round(ev.Round)
	if r.Hidden == nil {
		r.Hidden = map[string]string{}
	}
	r.Hidden[ev.Key] = ev.Reason
}

func (ev *SynthesisAdded) apply(p *Process, _ *Event) { p.Round(ev.Round).Synthesis = ev.Text }

func (ev *RoundReopened) apply(p *Process, e *Event) {
	r := p.Round(ev.Round)
	for _, t := range r.Turns {
		t.Since = e.At // whoever has the turn gets a whole turn again
	}
	r.Closed, r.Final, r.CloseReason = time.Time{}, nil, ""
	r.Deadline = ev.Deadline
	r.Reminders, r.RemindersSent = ev.Reminders, 0
}

// endAwait turns a refusal of text the bot waited for into a reply that
// also stops waiting, when waiting longer cannot help (another facilitator
// shared the summary meanwhile): the person's next text is theirs again.
func endAwait(err error) (*Decision, error) {
	ue, ok := AsUserError(err)
	if !ok || ue.Line.Key != ErrAlreadyShared {
		return nil, err
	}
	return &Decision{Done: true, Reply: ptr(private(ue.Line))}, nil
}
