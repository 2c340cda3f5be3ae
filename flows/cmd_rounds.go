package flows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

const maxPromptRunes = 1000

// Scope words in commands: the command contract's English names only, so
// that a prompt may begin with any Dutch word ("/round missing Iedereen …").
var scopeWords = map[string]string{"here": ScopeHere, "all": ScopeAll, "joint": ScopeJoint}

// ParseScope reads a scope word (here, all or joint); ok is false for any
// other word.
func ParseScope(word string) (scope string, ok bool) {
	scope, ok = scopeWords[strings.ToLower(word)]
	return scope, ok
}

// resolveScope turns a scope into the groups (or the joint chat) it covers,
// seen from the chat the actor is in.
func (p *Process) resolveScope(scope string, a Actor) (groups []GroupID, joint bool, err error) {
	if scope == "" {
		scope = ScopeHere
	}
	switch scope {
	case ScopeHere:
		if g := p.GroupByChat(a.Chat.ID); g != nil {
			return []GroupID{g.ID}, false, nil
		}
		if p.Joint != "" && p.Joint == a.Chat.ID {
			return nil, true, nil
		}
		return nil, false, Refuse(ErrScopeNeeded)
	case ScopeAll:
		for _, g := range p.Groups {
			groups = append(groups, g.ID)
		}
		return groups, false, nil
	case ScopeJoint:
		if p.Joint == "" {
			return nil, false, Refuse(ErrNoJointChat, "code", p.ID)
		}
		return nil, true, nil
	}
	return nil, false, Refuse(ErrScopeNeeded)
}

// chatsOf returns the chats a round (or scope) is held in.
func (p *Process) chatsOf(groups []GroupID, joint bool) []ChatID {
	if joint {
		return []ChatID{p.Joint}
	}
	var out []ChatID
	for _, g := range p.Groups {
		if slices.Contains(groups, g.ID) {
			out = append(out, g.Chat)
		}
	}
	return out
}

func (p *Process) requireGroups() error {
	if len(p.Groups) < 2 {
		return Refuse(ErrNeedTwoGroups, "code", p.ID, "groups", len(p.Groups))
	}
	return nil
}

// OpenRound is /round KIND [SCOPE] [PROMPT].
type OpenRound struct {
	Actor  Actor
	Kind   string
	Scope  string // here, all or joint; empty: here
	Prompt string // the facilitator's own prompt; empty: the kind's
}

func (c OpenRound) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	name := strings.ToLower(strings.TrimSpace(c.Kind))
	if name == "" {
		return nil, Refuse(ErrRoundNeedsKind, "kinds", strings.Join(p.Template.KindNames(), ", "))
	}
	kind := p.Kind(name)
	if kind == nil {
		return nil, Refuse(ErrUnknownKind, "kind", c.Kind, "kinds", strings.Join(p.Template.KindNames(), ", "))
	}
	b := newBuilder(c.Actor.User, env)
	if err := p.start(b, env, c.Actor, name, kind, c.Scope, c.Prompt, 0); err != nil {
		return nil, err
	}
	return b.decision(), nil
}

// start opens a round of kind (or posts an announcement) in scope.
func (p *Process) start(b *builder, env Env, a Actor, name string, kind *Kind, scope, prompt string, step int) error {
	if err := p.requireRunning(a.User); err != nil {
		return err
	}
	if err := p.requireGroups(); err != nil {
		return err
	}
	prompt = strings.TrimSpace(prompt)
	if len([]rune(prompt)) > maxPromptRunes {
		return Refuse(ErrPromptTooLong, "max", maxPromptRunes)
	}
	if kind.Private() {
		scope = ScopeAll // an intake is held with every group's members
	}
	groups, joint, err := p.resolveScope(scope, a)
	if err != nil {
		return err
	}
	chats := p.chatsOf(groups, joint)
	if step > 0 {
		b.event(&StepStarted{Step: step, Kind: name})
	}
	if kind.Announce {
		for _, chat := range chats {
			b.send(p.announcement(kind, prompt, chat))
		}
		b.reply(private(L(MsgAnnounced, "kind", kind.Title, "chats", len(chats))))
		return nil
	}
	for _, chat := range chats {
		if r := p.OpenRoundIn(chat); r != nil {
			return Refuse(ErrRoundStillOpen, "n", r.N, "kind", r.Def.Title)
		}
	}
	r := &Round{
		N: len(p.Rounds) + 1, Kind: name, Def: kind, Prompt: prompt,
		Groups: groups, Joint: joint, Step: step,
		Opened: env.Now, Seed: env.Seed,
	}
	if kind.Deadline > 0 {
		r.Deadline = env.Now.Add(time.Duration(kind.Deadline))
	}
	for _, d := range kind.Reminders {
		r.Reminders = append(r.Reminders, env.Now.Add(time.Duration(d)))
	}
	if kind.Turns {
		r.Turns = p.newTurns(r)
	}
	b.event(&RoundOpened{Round: r})
	b.sendAfter(func(q *Process) []Message { return q.roundMessages(r.N, env, false) })
	p.tellSpeakers(b, r)
	b.reply(private(L(MsgRoundOpened, "n", r.N, "kind", kind.Title, "chats", len(chats))))
	return nil
}

func roundRef(r *Round, chat ChatID) string { return fmt.Sprintf("round/%d/%s", r.N, chat) }

// roundMessage is a round's message in one chat, with its live progress
// line. With edit it replaces the message sent before.
func (p *Process) roundMessage(r *Round, chat ChatID, env Env, edit bool) Message {
	if r.Def.Consent {
		return p.consentMessage(r, chat, env, edit)
	}
	if r.Def.Private() {
		return p.intakeMessage(r, chat, env, edit)
	}
	m := Message{To: ToChat(chat), Ref: roundRef(r, chat), Edit: edit}
	m.Lines = append(m.Lines, L(MsgRoundHeader, "n", r.N, "kind", r.Def.Title), p.promptLine(r))
	pr := p.progressIn(r, chat, env)
	if !r.Open() {
		m.Lines = append(m.Lines, L(MsgRoundClosed), progressLine(pr))
		return m
	}
	switch {
	case r.Def.Anonymity != AnonNone:
		m.Lines = append(m.Lines, L(MsgRoundHowAnonymous, "level", anonLevelKey(r.Def.Anonymity)))
	case r.Anonymous():
		m.Lines = append(m.Lines, L(MsgRoundHow), L(MsgRoundHowOption, "level", anonLevelKey(r.AnonymousLevel())))
	default:
		m.Lines = append(m.Lines, L(MsgRoundHow))
	}
	if r.Def.Turns {
		m.Lines = append(m.Lines, p.turnLine(r, chat))
	}
	if !r.Deadline.IsZero() {
		m.Lines = append(m.Lines, L(MsgRoundDeadline, "deadline", Zoned{r.Deadline, p.TimeZone()}))
	}
	m.Lines = append(m.Lines, progressLine(pr))
	intent := func(do, arg string) Intent { return Intent{Do: do, Process: p.ID, N: r.N, Arg: arg} }
	var row []Button
	if r.Def.Anonymity == AnonNone {
		row = append(row, Button{Label: L(BtnAnswerPrivately), Intent: intent(DoAnswer, "")})
	}
	if r.Anonymous() {
		row = append(row, Button{Label: L(BtnAnswerAnonymously), Intent: intent(DoAnswer, "anon")})
	}
	row = append(row, Button{Label: L(BtnPass), Intent: intent(DoPass, "")})
	m.Buttons = [][]Button{row}
	return m
}

func (p *Process) promptLine(r *Round) Line {
	if r.Prompt != "" {
		return L(MsgPlain, "text", r.Prompt)
	}
	return L(MsgPlain, "text", r.Def.Prompt)
}

func anonLevelKey(level string) MsgKey {
	if level == AnonFacilitators {
		return MsgLevelFacilitators
	}
	return MsgLevelFull
}

// progressIn is the progress shown in chat: its group's, or the joint total.
func (p *Process) progressIn(r *Round, chat ChatID, env Env) Progress {
	all := p.Progress(r, env)
	if g := p.GroupByChat(chat); g != nil {
		for _, pr := range all {
			if pr.Group == g.ID {
				return pr
			}
		}
		return Progress{Group: g.ID}
	}
	return Total(all)
}

func progressLine(pr Progress) Line {
	return L(MsgProgress, "answered", pr.Answered, "members", pr.Members, "passed", pr.Passed)
}

// announcement is an announce kind's message in one chat.
func (p *Process) announcement(kind *Kind, prompt string, chat ChatID) Message {
	m := Message{To: ToChat(chat)}
	m.Lines = append(m.Lines, L(MsgAnnounceHeader, "kind", kind.Title, "title", p.Title))
	if prompt != "" {
		m.Lines = append(m.Lines, L(MsgPlain, "text", prompt))
	} else {
		m.Lines = append(m.Lines, L(MsgPlain, "text", kind.Prompt))
	}
	lang := p.Locale()
	for _, s := range kind.Show {
		text := p.SettingText(s, lang)
		if text == "" {
			continue
		}
		switch s {
		case SetKaders:
			m.Lines = append(m.Lines, L(MsgShowKaders, "text", text))
		case SetRules:
			m.Lines = append(m.Lines, L(MsgShowRules, "text", text))
		case SetCommitment:
			m.Lines = append(m.Lines, L(MsgShowCommitment, "text", text))
		}
	}
	if slices.Contains(kind.Show, SetRules) {
		m.Lines = append(m.Lines, p.decisionRules()...)
	}
	if g := p.GroupByChat(chat); g != nil && kind.Invite {
		m.Lines = append(m.Lines, L(MsgJoinConsent))
		m.Buttons = [][]Button{{{Label: L(BtnJoin), Intent: Intent{Do: DoJoin, Process: p.ID, Group: g.ID}}}}
	}
	return m
}

// Next is /next: start the template's next step.
type Next struct{ Actor Actor }

func (c Next) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	if open := p.OpenRounds(); len(open) > 0 {
		return nil, Refuse(ErrRoundStillOpen, "n", open[0].N, "kind", open[0].Def.Title)
	}
	if p.Step >= len(p.Template.Steps) {
		return nil, Refuse(ErrNoMoreSteps, "steps", len(p.Template.Steps))
	}
	n := p.Step + 1
	step := p.Template.Steps[n-1]
	kind := p.Kind(step.Kind)
	scope := step.Scope
	if scope == "" {
		scope = kind.Scope
	}
	b := newBuilder(c.Actor.User, env)
	if err := p.start(b, env, c.Actor, step.Kind, kind, scope, "", n); err != nil {
		return nil, err
	}
	b.d.Reply.Lines = append([]Line{L(MsgStepStarted, "n", n, "steps", len(p.Template.Steps), "kind", kind.Title)}, b.d.Reply.Lines...)
	return b.decision(), nil
}

// Close is /close [SCOPE|N]: close open rounds; the summary goes to the
// facilitators first (or straight out with relay = "auto").
type Close struct {
	Actor Actor
	// Arg is "", a scope word or a round number, optionally followed by
	// the reason for closing before the deadline (it goes into the record).
	Arg string
}

func (c Close) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	if err := p.requireRunning(c.Actor.User); err != nil {
		return nil, err
	}
	which, reason := strings.TrimSpace(c.Arg), ""
	if first, rest, _ := strings.Cut(which, " "); first != "" {
		if _, isScope := ParseScope(first); isScope || isNumber(first) {
			which, reason = first, strings.TrimSpace(rest)
		} else {
			which, reason = "", which
		}
	}
	if n := len([]rune(reason)); n > maxReasonRunes {
		return nil, Refuse(ErrAnswerTooLong, "max", maxReasonRunes, "length", n)
	}
	rounds, err := p.roundsToClose(c.Actor, which)
	if err != nil {
		return nil, err
	}
	b := newBuilder(c.Actor.User, env)
	var reply []Line
	for _, r := range rounds {
		if early := !r.Deadline.IsZero() && env.Now.Before(r.Deadline); early || reason != "" {
			b.event(&Intervened{What: InterventionCloseEarly, Round: r.N, Note: reason})
		}
		p.close(b, r, ClosedByFacilitator, env)
		if r.Def.Consent {
			reply = append(reply, L(MsgConsentClosedBy, "n", r.N, "proposal", r.Proposal, "v", r.Version))
		} else {
			reply = append(reply, L(MsgRoundClosedBy, "n", r.N, "kind", r.Def.Title, "relay", relayKey(r.Def.Relay)))
		}
	}
	b.reply(private(reply...))
	return b.decision(), nil
}

func relayKey(relay string) MsgKey {
	switch relay {
	case RelayAuto:
		return MsgRelayAuto
	case RelayNone:
		return MsgRelayNone
	}
	return MsgRelayApprove
}

func (p *Process) roundsToClose(a Actor, arg string) ([]*Round, error) {
	open := p.OpenRounds()
	if len(open) == 0 {
		return nil, Refuse(ErrNoOpenRound)
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(arg, "#")); err == nil {
		r := p.Round(n)
		if r == nil || !r.Open() {
			return nil, Refuse(ErrRoundNotOpen, "n", n)
		}
		return []*Round{r}, nil
	}
	if arg == "" {
		if r := p.OpenRoundIn(a.Chat.ID); r != nil {
			return []*Round{r}, nil
		}
		if len(open) == 1 {
			return open, nil
		}
		return nil, Refuse(ErrWhichRound, "rounds", roundList(open))
	}
	scope, ok := ParseScope(arg)
	if !ok {
		return nil, Refuse(ErrWhichRound, "rounds", roundList(open))
	}
	switch scope {
	case ScopeAll:
		return open, nil
	case ScopeJoint:
		for _, r := range open {
			if r.Joint {
				return []*Round{r}, nil
			}
		}
		return nil, Refuse(ErrNoOpenRound)
	}
	if r := p.OpenRoundIn(a.Chat.ID); r != nil {
		return []*Round{r}, nil
	}
	return nil, Refuse(ErrNoOpenRoundHere)
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(strings.TrimPrefix(s, "#"))
	return err == nil
}

func roundList(rs []*Round) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, "/close "+strconv.Itoa(r.N))
	}
	return strings.Join(parts, ", ")
}

// close closes r: the round messages show it, and the summary goes where
// the kind's relay setting says.
func (p *Process) close(b *builder, r *Round, reason string, env Env) {
	if r.Def.Consent {
		p.decideGroups(b, r, r.Groups, env)
		return
	}
	n := r.N
	final := p.finalOf(r, env)
	for key, g := range p.placeHeld(b, r) {
		final.Answers = append(final.Answers, key)
		for i := range final.Progress {
			if final.Progress[i].Group == g {
				final.Progress[i].Answered++
			}
		}
	}
	slices.Sort(final.Answers)
	b.event(&RoundClosed{Round: n, Reason: reason, Final: final})
	b.sendAfter(func(q *Process) []Message { return q.roundMessages(n, env, true) })
	notice := MsgClosedAwaitingSummary
	switch r.Def.Relay {
	case RelayAuto:
		b.event(&SummaryRelayed{Round: n})
		b.sendAfter(func(q *Process) []Message { return q.relay(q.Round(n), env) })
		// Facilitators learn it went out; the one who closed it has the reply.
		names, joint := p.targets(r)
		for _, f := range p.FacilitatorIDs() {
			if f != b.actor {
				b.send(Message{To: ToUser(f), Lines: []Line{L(MsgAutoRelayed, "n", n, "kind", r.Def.Title, "targets", names, "joint", joint)}})
			}
		}
		return
	case RelayNone:
		notice = MsgClosedFacilitatorsOnly
	}
	for _, chat := range p.chatsOf(r.Groups, r.Joint) {
		b.send(Message{To: ToChat(chat), Lines: []Line{L(notice, "n", n)}})
	}
	b.sendPreviews(n, env)
}

// roundMessages are round n's messages in every chat it is held in.
func (p *Process) roundMessages(n int, env Env, edit bool) []Message {
	r := p.Round(n)
	var out []Message
	for _, chat := range p.chatsOf(r.Groups, r.Joint) {
		out = append(out, p.roundMessage(r, chat, env, edit))
	}
	return out
}

// preview is the summary as a facilitator sees it before approving it.
func (p *Process) preview(r *Round, to UserID, env Env) Message {
	m := Message{To: ToUser(to)}
	m.Lines = append(m.Lines, L(MsgPreviewHeader, "n", r.N, "kind", r.Def.Title))
	m.Lines = append(m.Lines, p.previewSummary(r, env)...)
	if r.Def.Relay == RelayApprove && !r.Relayed {
		names, joint := p.targets(r)
		intent := func(do string) Intent { return Intent{Do: do, Process: p.ID, N: r.N} }
		moderate := []Button{{Label: L(BtnHide), Intent: intent(DoHide)}, {Label: L(BtnSynthesis), Intent: intent(DoSynthesis)}}
		if r.Def.Private() {
			// An intake shares only its overview without names: nothing
			// there to hide by number; what must not go out is not shared.
			m.Lines = append(m.Lines, L(MsgPreviewIntake))
			moderate = moderate[1:]
		} else {
			m.Lines = append(m.Lines, L(MsgPreviewModerate))
		}
		m.Lines = append(m.Lines, L(MsgPreviewApprove, "targets", names, "joint", joint))
		m.Buttons = [][]Button{moderate, {{Label: L(BtnApprove), Intent: intent(DoApprove)}}}
	} else {
		m.Lines = append(m.Lines, L(MsgPreviewOnly))
	}
	return m
}

// relayTargets are the chats a round's summary is shared with.
func (p *Process) relayTargets(r *Round) []ChatID {
	if r.Def.Share == ShareAll {
		return p.Chats()
	}
	return p.chatsOf(r.Groups, r.Joint)
}

// targets names the chats a summary goes to: the group names, and a
// catalog key that adds the joint chat (or says nothing).
func (p *Process) targets(r *Round) (names string, joint MsgKey) {
	var out []string
	joint = MsgNothing
	for _, chat := range p.relayTargets(r) {
		if g := p.GroupByChat(chat); g != nil {
			out = append(out, g.Name)
		} else {
			joint = MsgAndJoint
		}
	}
	return strings.Join(out, ", "), joint
}

// relay is a round's summary for every chat it is shared with.
func (p *Process) relay(r *Round, env Env) []Message {
	var out []Message
	for _, chat := range p.relayTargets(r) {
		m := Message{To: ToChat(chat)}
		m.Lines = append(m.Lines, L(MsgSummaryHeader, "n", r.N, "kind", r.Def.Title))
		m.Lines = append(m.Lines, p.summary(r, env)...)
		out = append(out, m)
	}
	return out
}

// Approve is the facilitator's button under a summary preview.
type Approve struct {
	Actor Actor
	Round int
}

func (c Approve) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	if err := p.requireRunning(c.Actor.User); err != nil {
		return nil, err
	}
	r := p.Round(c.Round)
	switch {
	case r == nil:
		return nil, Refuse(ErrButtonExpired)
	case r.Open():
		return nil, Refuse(ErrRoundNotClosed, "n", r.N)
	case r.Relayed:
		return replyOnly(private(L(MsgAlreadyRelayed, "n", r.N))), nil
	case r.Def.Relay != RelayApprove:
		return nil, Refuse(ErrNotForRelay, "n", r.N)
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&SummaryRelayed{Round: r.N})
	b.sendAfter(func(q *Process) []Message { return q.relay(q.Round(c.Round), env) })
	for _, f := range p.FacilitatorIDs() {
		if f != c.Actor.User {
			b.send(Message{To: ToUser(f), Lines: []Line{L(MsgRelayedBy, "n", r.N, "name", p.Facilitators[c.Actor.User].Name)}})
		}
	}
	names, joint := p.targets(r)
	b.reply(private(L(MsgRelayed, "n", r.N, "targets", names, "joint", joint)))
	return b.decision(), nil
}
