package flows

import (
	"math"
	"slices"
	"strings"
	"time"
)

// MaxAnswerRunes bounds an answer when its kind sets no maximum.
const MaxAnswerRunes = 4000

// maxLength is the longest answer a round takes: its kind's max_length.
func (r *Round) maxLength() int {
	if r.Def.MaxLength > 0 {
		return r.Def.MaxLength
	}
	return MaxAnswerRunes
}

// slowModeWait is how long u must still wait before answering again in a
// joint round under slow mode (zero: they may answer now).
func (p *Process) slowModeWait(r *Round, u UserID, now time.Time) time.Duration {
	slow := p.SlowMode()
	last, answered := r.LastAnswer[u]
	if !r.Joint || slow <= 0 || !answered {
		return 0
	}
	return max(0, last.Add(slow).Sub(now))
}

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
func (p *Process) roundFor(n int, a Actor, closed MsgKey) (*Round, error) {
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
		return nil, Refuse(closed, "n", r.N, "kind", r.Def.Title)
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

// standing is where a participant stands in a round: their membership,
// their answer so far (named or anonymous) and whether they passed.
type standing struct {
	r         *Round
	m         *Member
	pseudonym string // the keyed hash for anonymous records ("" if the round has none)
	key       string // the key of their answer, if any
	answer    *Answer
	passKey   string // where their pass is (or would be) stored
	passed    bool
}

// standingIn finds the round an action is about and the actor's place in it.
func (p *Process) standingIn(n int, a Actor, env Env, closed MsgKey) (standing, error) {
	if err := p.requireRunning(a.User); err != nil {
		return standing{}, err
	}
	r, err := p.roundFor(n, a, closed)
	if err != nil {
		return standing{}, err
	}
	if r.Def.Consent {
		return standing{}, Refuse(ErrUseVoteButtons, "n", r.N)
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
	st.passKey = r.passKey(a.User, st.pseudonym)
	_, st.passed = r.Passes[st.passKey]
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

// refreshChat edits the live progress line of the round open in chat, if
// any: the number of members changed.
func (b *builder) refreshChat(chat ChatID, env Env) {
	b.sendAfter(func(q *Process) []Message {
		if r := q.OpenRoundIn(chat); r != nil {
			return []Message{q.roundMessage(r, chat, env, true)}
		}
		return nil
	})
}

func withdrawButton(p *Process, r *Round) [][]Button {
	return [][]Button{{{Label: L(BtnWithdraw), Intent: Intent{Do: DoWithdraw, Process: p.ID, N: r.N}}}}
}

// GiveAnswer is an answer: a reply to a round's message, or text sent
// privately after the private or anonymous answer button.
type GiveAnswer struct {
	Actor     Actor
	Round     int // 0: the round open in the actor's chat
	Text      string
	Anonymous bool // the person asked to answer anonymously
	// Level, when set, is the anonymity the person was told of when they
	// asked to answer privately (Await.Level); it holds if still allowed.
	Level string
	// Edit marks a platform edit of the message that gave the answer.
	Edit bool
}

func (c GiveAnswer) decide(p *Process, env Env) (*Decision, error) {
	st, err := p.standingIn(c.Round, c.Actor, env, ErrRoundClosedAlready)
	if err != nil {
		return nil, err
	}
	r, m := st.r, st.m
	if r.Def.Private() {
		return nil, Refuse(ErrIntakeIsPrivate, "n", r.N)
	}
	text := strings.TrimSpace(c.Text)
	limit := r.maxLength()
	switch {
	case text == "":
		return nil, Refuse(ErrEmptyAnswer)
	case len([]rune(text)) > limit:
		return nil, Refuse(ErrAnswerTooLong, "max", limit, "length", len([]rune(text)))
	}
	level := r.levelFor(c.Anonymous)
	if c.Level == r.levelFor(false) || c.Level == r.levelFor(true) {
		level = c.Level
	}
	if c.Anonymous && level == AnonNone {
		return nil, Refuse(ErrNoAnonymityHere)
	}
	if level != AnonNone && !c.Actor.Chat.Private {
		return nil, Refuse(ErrAnswerPrivately)
	}
	edited := st.answer != nil
	b := newBuilder(c.Actor.User, env)
	b.d.Done = c.Actor.Chat.Private
	if level == AnonFull {
		// Nothing in this decision may name the actor: the event has no
		// actor or time. It replaces their anonymous answer or their
		// (pseudonymous) pass under the same key.
		if edited && st.answer.Level != AnonFull {
			return nil, Refuse(ErrWithdrawNamedFirst)
		}
		b.anonymousEvent(&AnswerGiven{Round: r.N, Key: anonymousKey(st.pseudonym), Replaces: st.key,
			Answer: Answer{Pseudonym: st.pseudonym, Group: m.Group, Text: text, Level: AnonFull, Edited: edited}})
		b.refreshProgress(r, m, env)
		reply := private(L(receivedKey(edited, true), "n", r.N, "kind", r.Def.Title))
		reply.Buttons = withdrawButton(p, r)
		b.reply(reply)
		return b.decision(), nil
	}
	if edited && st.answer.Level == AnonFull {
		return nil, Refuse(ErrAlreadyAnonymous)
	}
	if wait := p.slowModeWait(r, c.Actor.User, env.Now); wait > 0 && !c.Edit {
		// Slow mode spaces out new messages; rewording one's own (an edit
		// on the platform) is welcome.
		return nil, Refuse(ErrSlowMode, "minutes", int(math.Ceil(wait.Minutes())))
	}
	t, k := p.turnOf(r, m)
	if t != nil && !t.done() && t.Current() != c.Actor.User && !r.hasSpoken(c.Actor.User) {
		// Out of turn: kept, and placed when the talking piece reaches them.
		shown := !c.Actor.Chat.Private
		b.event(&TurnHeld{Round: r.N, Group: k, User: c.Actor.User, Text: text, Shown: shown})
		held := MsgTurnHeld
		if shown {
			held = MsgTurnHeldShown
		}
		reply := private(L(held, "n", r.N, "name", p.Members[t.Current()].Name))
		reply.Buttons = withdrawButton(p, r)
		b.reply(reply)
		return b.decision(), nil
	}
	b.event(&AnswerGiven{Round: r.N, Key: namedKey(c.Actor.User), Replaces: st.key,
		Answer: Answer{Author: c.Actor.User, Name: m.Name, Group: m.Group, Text: text, Level: level, Edited: edited}})
	b.refreshProgress(r, m, env)
	if t != nil && t.Current() == c.Actor.User {
		p.advanceTurn(b, r, k, c.Actor.User, Line{}, env)
	}
	reply := private(L(receivedKey(edited, level != AnonNone), "n", r.N, "kind", r.Def.Title))
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
	st, err := p.standingIn(c.Round, c.Actor, env, ErrRoundClosed)
	if err != nil {
		return nil, err
	}
	r, m := st.r, st.m
	if r.Def.Private() {
		return nil, Refuse(ErrIntakeIsPrivate, "n", r.N)
	}
	level := r.levelFor(c.Anonymous)
	anonymous := level != AnonNone
	if c.Anonymous && !anonymous {
		return nil, Refuse(ErrNoAnonymityHere)
	}
	b := newBuilder(c.Actor.User, env)
	b.d.Await = &Await{Process: p.ID, Round: r.N, Anonymous: anonymous, Level: level}
	lines := []Line{L(MsgRoundHeader, "n", r.N, "kind", r.Def.Title), p.promptLine(r)}
	switch {
	case anonymous && level == AnonFull && st.answer != nil && st.answer.Level != AnonFull:
		// A named answer cannot turn anonymous in one step: that one event
		// would tie the person to their anonymous answer. It is withdrawn
		// now, and the person is told what others may still guess.
		b.event(&AnswerWithdrawn{Round: r.N, Key: st.key})
		b.refreshProgress(r, m, env)
		b.d.Await.Withdrawn = true
		lines = append(lines, L(MsgNamedWithdrawn))
	case anonymous && st.passed:
		lines = append(lines, L(MsgPassReplaced))
	}
	if anonymous {
		lines = append(lines, L(MsgSendAnonymous, "level", anonLevelKey(level)))
	} else {
		lines = append(lines, L(MsgSendPrivately))
	}
	b.reply(private(lines...))
	return b.decision(), nil
}

// Pass is /pass or the pass button. In a round that offers anonymity a pass
// is stored under the person's pseudonym, without actor or time, so that a
// later anonymous answer can replace it in one anonymous step.
type Pass struct {
	Actor Actor
	Round int
}

func (c Pass) decide(p *Process, env Env) (*Decision, error) {
	st, err := p.standingIn(c.Round, c.Actor, env, ErrRoundClosed)
	if err != nil {
		return nil, err
	}
	r, m := st.r, st.m
	if st.passed && st.answer == nil {
		return replyOnly(private(L(MsgPassedAlready, "n", r.N))), nil
	}
	b := newBuilder(c.Actor.User, env)
	b.d.Done = r.Def.Private() // "liever niet" ends the intake's questions
	reply := L(MsgPassed, "n", r.N, "kind", r.Def.Title)
	if t, _ := p.turnOf(r, m); st.answer != nil || (t != nil && t.Held[c.Actor.User] != "") {
		reply = L(MsgPassedWithdrawn, "n", r.N)
	}
	ev := &Passed{Round: r.N, Key: st.passKey, Group: m.Group, Withdrawn: st.key}
	switch {
	case !r.Anonymous():
		b.event(ev)
	case st.answer != nil && st.answer.Level != AnonFull:
		// Replacing a named answer with a pseudonymous pass in one event
		// would tie the two.
		return nil, Refuse(ErrWithdrawBeforePass)
	default:
		b.anonymousEvent(ev)
	}
	b.refreshProgress(r, m, env)
	if t, k := p.turnOf(r, m); t != nil && t.Current() == c.Actor.User {
		p.advanceTurn(b, r, k, c.Actor.User, L(MsgTurnPassed, "name", m.Name), env)
	}
	b.reply(private(reply))
	return b.decision(), nil
}

// Withdraw is the button under an answer's confirmation: take back one's
// answer, or one's pass.
type Withdraw struct {
	Actor Actor
	Round int
}

func (c Withdraw) decide(p *Process, env Env) (*Decision, error) {
	st, err := p.standingIn(c.Round, c.Actor, env, ErrRoundClosed)
	if err != nil {
		return nil, err
	}
	r, m := st.r, st.m
	b := newBuilder(c.Actor.User, env)
	if t, k := p.turnOf(r, m); t != nil && t.Held[c.Actor.User] != "" {
		b.event(&TurnHeldWithdrawn{Round: r.N, Group: k, User: c.Actor.User})
		b.reply(private(L(MsgWithdrawn, "n", r.N)))
		return b.decision(), nil
	}
	// Anonymous records are withdrawn anonymously; named ones by name.
	record := b.event
	if strings.HasPrefix(st.key, "a:") || (st.answer == nil && strings.HasPrefix(st.passKey, "a:")) {
		record = b.anonymousEvent
	}
	switch {
	case st.answer != nil:
		record(&AnswerWithdrawn{Round: r.N, Key: st.key})
		b.reply(private(L(MsgWithdrawn, "n", r.N)))
	case st.passed:
		record(&PassWithdrawn{Round: r.N, Key: st.passKey})
		b.reply(private(L(MsgPassUndone, "n", r.N)))
	default:
		return replyOnly(private(L(MsgNothingToWithdraw, "n", r.N))), nil
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
		return replyOnly(private(L(ErrNoReplies))), nil
	}
	return &Decision{}, nil
}
