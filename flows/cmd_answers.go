package flows

import (
	"slices"
	"strings"
)

// MaxAnswerRunes bounds an answer until kinds set their own maximum.
const MaxAnswerRunes = 4000

// participantIn returns the actor as a member taking part in r, or the
// reason they cannot answer it.
func (p *Process) participantIn(r *Round, u UserID) (*Member, error) {
	if p.IsFacilitator(u) {
		return nil, Refuse(ErrFacilitatorAnswers)
	}
	m := p.Members[u]
	if m == nil {
		return nil, Refuse(ErrJoinFirst)
	}
	if r.Joint && !m.Joint {
		return nil, Refuse(ErrJoinJointFirst)
	}
	if !r.Joint && !slices.Contains(r.Groups, m.Group) {
		return nil, Refuse(ErrNotInRound, "n", r.N)
	}
	return m, nil
}

// roundFor finds the round an action is about: the one named, or the one
// open in the actor's chat.
func (p *Process) roundFor(n int, a Actor) (*Round, error) {
	if n == 0 {
		if r := p.OpenRoundIn(a.Chat.ID); r != nil {
			return r, nil
		}
		if a.Chat.Private {
			return p.onlyOpenRoundOf(a.User)
		}
		return nil, Refuse(ErrNoOpenRoundHere)
	}
	r := p.Round(n)
	if r == nil {
		return nil, Refuse(ErrButtonExpired)
	}
	if !r.Open() {
		return nil, Refuse(ErrRoundClosedAlready, "n", r.N, "kind", r.Def.Title)
	}
	return r, nil
}

// onlyOpenRoundOf is the round a member means in a private chat: the one
// open round they take part in.
func (p *Process) onlyOpenRoundOf(u UserID) (*Round, error) {
	var mine []*Round
	for _, r := range p.OpenRounds() {
		if _, err := p.participantIn(r, u); err == nil {
			mine = append(mine, r)
		}
	}
	if len(mine) != 1 {
		return nil, Refuse(ErrNoOpenRoundHere)
	}
	return mine[0], nil
}

// standing is where a participant stands in a round: their membership and
// their answer so far, named or anonymous (key and answer are zero if none).
type standing struct {
	r         *Round
	m         *Member
	pseudonym string // the keyed hash for anonymous answers ("" if the round has none)
	key       string
	answer    *Answer
}

// standingIn finds the round an action is about and the actor's place in it.
func (p *Process) standingIn(n int, a Actor, env Env) (standing, error) {
	r, err := p.roundFor(n, a)
	if err != nil {
		return standing{}, err
	}
	m, err := p.participantIn(r, a.User)
	if err != nil {
		return standing{}, err
	}
	st := standing{r: r, m: m}
	if r.Anonymous() {
		st.pseudonym = env.pseudonym(p, r, a.User)
	}
	st.key, st.answer = r.answerOf(a.User, st.pseudonym)
	return st, nil
}

// refreshProgress edits the round's message in the chat of the member's
// group (or the joint chat) to show the new progress.
func (b *builder) refreshProgress(r *Round, m *Member, env Env) {
	n, group := r.N, m.Group
	b.sendAfter(func(q *Process) []Message {
		r := q.Round(n)
		chat := q.Joint
		if !r.Joint {
			chat = q.Group(group).Chat
		}
		return []Message{q.roundMessage(r, chat, env, true)}
	})
}

func withdrawButton(p *Process, r *Round) [][]Button {
	return [][]Button{{{Label: L(BtnWithdraw), Intent: Intent{Do: DoWithdraw, Process: p.ID, Round: r.N}}}}
}

// GiveAnswer is an answer: a reply to a round's message, or text sent
// privately after the private or anonymous answer button.
type GiveAnswer struct {
	Actor     Actor
	Round     int // 0: the round open in the actor's chat
	Text      string
	Anonymous bool // the person asked to answer anonymously
}

func (c GiveAnswer) decide(p *Process, env Env) (*Decision, error) {
	st, err := p.standingIn(c.Round, c.Actor, env)
	if err != nil {
		return nil, err
	}
	r, m, key, existing := st.r, st.m, st.key, st.answer
	text := strings.TrimSpace(c.Text)
	switch {
	case text == "":
		return nil, Refuse(ErrEmptyAnswer)
	case len([]rune(text)) > MaxAnswerRunes:
		return nil, Refuse(ErrAnswerTooLong, "max", MaxAnswerRunes, "length", len([]rune(text)))
	}
	level := r.Def.Anonymity
	if c.Anonymous && level == AnonNone {
		level = r.AnonymousLevel()
		if level == AnonNone {
			return nil, Refuse(ErrNoAnonymityHere)
		}
	}
	if level != AnonNone && !c.Actor.Chat.Private {
		return nil, Refuse(ErrAnswerPrivately)
	}
	b := newBuilder(c.Actor.User, env)
	b.d.Done = c.Actor.Chat.Private
	if level == AnonFull {
		// Nothing in this decision may name the actor: the event has no
		// actor or time, the reply no destination.
		switch {
		case existing != nil && existing.Level != AnonFull:
			return nil, Refuse(ErrWithdrawNamedFirst)
		case r.Passed[c.Actor.User]:
			return nil, Refuse(ErrPassedAlready)
		}
		b.anonymousEvent(&AnswerGiven{Round: r.N, Key: anonymousKey(st.pseudonym), Replaces: key,
			Answer: Answer{Pseudonym: st.pseudonym, Group: m.Group, Text: text, Level: AnonFull, Edited: existing != nil}})
		b.refreshProgress(r, m, env)
		reply := here(L(receivedKey(existing != nil, true), "n", r.N, "kind", r.Def.Title))
		reply.Buttons = withdrawButton(p, r)
		b.reply(reply)
		return b.decision(), nil
	}
	if existing != nil && existing.Level == AnonFull {
		return nil, Refuse(ErrAlreadyAnonymous)
	}
	b.event(&AnswerGiven{Round: r.N, Key: namedKey(c.Actor.User), Replaces: key,
		Answer: Answer{Author: c.Actor.User, Name: m.Name, Group: m.Group, Text: text, Level: level, Edited: existing != nil}})
	b.refreshProgress(r, m, env)
	reply := private(c.Actor, L(receivedKey(existing != nil, level != AnonNone), "n", r.N, "kind", r.Def.Title))
	reply.Buttons = withdrawButton(p, r)
	b.reply(reply)
	return b.decision(), nil
}

func receivedKey(edited, anonymous bool) MsgKey {
	switch {
	case edited && anonymous:
		return MsgAnswerUpdatedAnonymous
	case edited:
		return MsgAnswerUpdated
	case anonymous:
		return MsgAnswerReceivedAnonymous
	}
	return MsgAnswerReceived
}

// StartPrivateAnswer is the button that opens a private (or anonymous)
// answer: the next text the person sends the bot privately is the answer.
type StartPrivateAnswer struct {
	Actor     Actor
	Round     int
	Anonymous bool
}

func (c StartPrivateAnswer) decide(p *Process, env Env) (*Decision, error) {
	st, err := p.standingIn(c.Round, c.Actor, env)
	if err != nil {
		return nil, err
	}
	r, m := st.r, st.m
	anonymous := c.Anonymous || r.Def.Anonymity != AnonNone
	if anonymous && !r.Anonymous() {
		return nil, Refuse(ErrNoAnonymityHere)
	}
	b := newBuilder(c.Actor.User, env)
	b.d.Await = &Await{Process: p.ID, Round: r.N, Anonymous: anonymous}
	lines := []Line{L(MsgRoundHeader, "n", r.N, "kind", r.Def.Title), p.promptLine(r)}
	if anonymous {
		level := r.AnonymousLevel()
		// Switching to anonymous happens in two visible steps, never in
		// one event that would tie the person to their anonymous answer.
		if a := st.answer; a != nil && a.Level != AnonFull && level == AnonFull {
			b.event(&AnswerWithdrawn{Round: r.N, Key: st.key})
			b.refreshProgress(r, m, env)
			lines = append(lines, L(MsgNamedWithdrawn))
		}
		if r.Passed[c.Actor.User] && level == AnonFull {
			b.event(&PassWithdrawn{Round: r.N, User: c.Actor.User})
			b.refreshProgress(r, m, env)
		}
		lines = append(lines, L(MsgSendAnonymous, "level", anonLevelKey(level)))
	} else {
		lines = append(lines, L(MsgSendPrivately))
	}
	b.reply(private(c.Actor, lines...))
	return b.decision(), nil
}

// Pass is /pass or the pass button.
type Pass struct {
	Actor Actor
	Round int
}

func (c Pass) decide(p *Process, env Env) (*Decision, error) {
	st, err := p.standingIn(c.Round, c.Actor, env)
	if err != nil {
		return nil, err
	}
	r, m, key, existing := st.r, st.m, st.key, st.answer
	if r.Passed[c.Actor.User] {
		return replyOnly(private(c.Actor, L(MsgPassedAlready, "n", r.N))), nil
	}
	if existing != nil && existing.Level == AnonFull {
		return nil, Refuse(ErrAlreadyAnonymous)
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&Passed{Round: r.N, User: c.Actor.User, Withdrawn: key})
	b.refreshProgress(r, m, env)
	if existing != nil {
		b.reply(private(c.Actor, L(MsgPassedWithdrawn, "n", r.N)))
	} else {
		b.reply(private(c.Actor, L(MsgPassed, "n", r.N, "kind", r.Def.Title)))
	}
	return b.decision(), nil
}

// Withdraw is the button under an answer's confirmation: take it back.
type Withdraw struct {
	Actor Actor
	Round int
}

func (c Withdraw) decide(p *Process, env Env) (*Decision, error) {
	st, err := p.standingIn(c.Round, c.Actor, env)
	if err != nil {
		return nil, err
	}
	r, m, key, existing := st.r, st.m, st.key, st.answer
	b := newBuilder(c.Actor.User, env)
	switch {
	case existing == nil && r.Passed[c.Actor.User]:
		b.event(&PassWithdrawn{Round: r.N, User: c.Actor.User})
		b.reply(private(c.Actor, L(MsgPassUndone, "n", r.N)))
	case existing == nil:
		return replyOnly(private(c.Actor, L(MsgNothingToWithdraw, "n", r.N))), nil
	case existing.Level == AnonFull:
		b.anonymousEvent(&AnswerWithdrawn{Round: r.N, Key: key})
		b.reply(here(L(MsgWithdrawn, "n", r.N)))
	default:
		b.event(&AnswerWithdrawn{Round: r.N, Key: key})
		b.reply(private(c.Actor, L(MsgWithdrawn, "n", r.N)))
	}
	b.refreshProgress(r, m, env)
	return b.decision(), nil
}

// NoteReply is a member's message that replies to another member's. In a
// round whose kind allows no replies, they are told so, kindly and
// privately; otherwise the bot stays out of the conversation.
type NoteReply struct{ Actor Actor }

func (c NoteReply) decide(p *Process, _ Env) (*Decision, error) {
	if r := p.OpenRoundIn(c.Actor.Chat.ID); r != nil && !r.Def.Replies && p.Members[c.Actor.User] != nil {
		return replyOnly(private(c.Actor, L(ErrNoReplies))), nil
	}
	return &Decision{}, nil
}
