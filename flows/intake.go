package flows

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
)

// The intake (voorgesprek, method.md §3a phase 1) is a round whose kind has
// scope "private": the bot asks each member the kind's questions one by
// one in a private conversation. Only facilitators read the answers, by
// name; everyone else, and the record, sees an overview without names.

// intakeButtons are the buttons that start (or continue) an intake, or
// decline it.
func (p *Process) intakeButtons(r *Round) [][]Button {
	return [][]Button{{
		{Label: L(BtnIntakeStart), Intent: Intent{Do: DoIntake, Process: p.ID, N: r.N}},
		{Label: L(BtnIntakeDecline), Intent: Intent{Do: DoPass, Process: p.ID, N: r.N}},
	}}
}

// intakeMessage is an intake's message in a group's chat: what it is and
// how to start it. It says nothing about who did what.
func (p *Process) intakeMessage(r *Round, chat ChatID, env Env, edit bool) Message {
	m := Message{To: ToChat(chat), Ref: roundRef(r, chat), Edit: edit}
	m.Lines = append(m.Lines, L(MsgRoundHeader, "n", r.N, "kind", r.Def.Title), p.promptLine(r))
	pr := p.progressIn(r, chat, env)
	if !r.Open() {
		return appendLines(m, L(MsgRoundClosed), intakeProgressLine(pr))
	}
	m.Lines = append(m.Lines, L(MsgIntakeHow, "questions", len(r.Def.Questions)))
	if !r.Deadline.IsZero() {
		m.Lines = append(m.Lines, L(MsgRoundDeadline, "deadline", Zoned{r.Deadline, p.TimeZone()}))
	}
	m.Lines = append(m.Lines, intakeProgressLine(pr))
	m.Buttons = p.intakeButtons(r)
	return m
}

func appendLines(m Message, lines ...Line) Message {
	m.Lines = append(m.Lines, lines...)
	return m
}

// StartIntake is the intake's button: the bot asks, privately, the first
// question the member has not answered yet.
type StartIntake struct {
	Actor Actor
	Round int
}

func (c StartIntake) decide(p *Process, env Env) (*Decision, error) {
	st, err := p.standingIn(c.Round, c.Actor, env, ErrRoundClosed)
	if err != nil {
		return nil, err
	}
	r := st.r
	if !r.Def.Private() {
		return nil, Refuse(ErrButtonExpired)
	}
	if st.answer != nil {
		return replyOnly(private(L(MsgIntakeDoneAlready, "n", r.N))), nil
	}
	q := len(r.Intake[c.Actor.User])
	lines := []Line{L(MsgIntakeIntro, "title", p.Title, "questions", len(r.Def.Questions))}
	if q > 0 {
		lines = []Line{L(MsgIntakeContinue, "q", q+1)}
	}
	m := private(append(lines, p.intakeQuestion(r, q))...)
	return &Decision{Await: &Await{Process: p.ID, Purpose: PurposeIntake, Round: r.N, N: q}, Reply: &m}, nil
}

func (p *Process) intakeQuestion(r *Round, q int) Line {
	return L(MsgIntakeQuestion, "q", q+1, "questions", len(r.Def.Questions), "text", r.Def.Questions[q])
}

// AnswerIntake is a member's private answer to the intake question they
// were asked: it is kept at once, and the next question follows.
type AnswerIntake struct {
	Actor Actor
	Round int
	Text  string
}

func (c AnswerIntake) decide(p *Process, env Env) (*Decision, error) {
	st, err := p.standingIn(c.Round, c.Actor, env, ErrRoundClosedAlready)
	if err != nil {
		return nil, err
	}
	r, m := st.r, st.m
	if !r.Def.Private() {
		return nil, Refuse(ErrButtonExpired)
	}
	if st.answer != nil {
		return &Decision{Done: true, Reply: ptr(private(L(MsgIntakeDoneAlready, "n", r.N)))}, nil
	}
	text := strings.TrimSpace(c.Text)
	switch limit := r.maxLength(); {
	case text == "":
		return nil, Refuse(ErrEmptyAnswer)
	case len([]rune(text)) > limit:
		return nil, Refuse(ErrAnswerTooLong, "max", limit, "length", len([]rune(text)))
	}
	q := len(r.Intake[c.Actor.User])
	b := newBuilder(c.Actor.User, env)
	b.event(&IntakeAnswered{Round: r.N, User: c.Actor.User, Q: q, Text: text})
	if q+1 < len(r.Def.Questions) {
		b.d.Await = &Await{Process: p.ID, Purpose: PurposeIntake, Round: r.N, N: q + 1}
		b.reply(private(p.intakeQuestion(r, q+1)))
		return b.decision(), nil
	}
	b.d.Done = true
	b.refreshProgress(r, m, env)
	b.reply(private(L(MsgIntakeThanks, "n", r.N)))
	return b.decision(), nil
}

// IntakeAnswered is one answer in a member's intake; the answer to the last
// question completes it.
type IntakeAnswered struct {
	Round int    `json:"round"`
	User  UserID `json:"user"`
	Q     int    `json:"q"`
	Text  string `json:"text"`
}

func (*IntakeAnswered) EventType() string { return "intake_answered" }

func (ev *IntakeAnswered) apply(p *Process, _ *Event) {
	r := p.Round(ev.Round)
	if r.Intake == nil {
		r.Intake = map[UserID][]string{}
	}
	parts := append(r.Intake[ev.User][:ev.Q:ev.Q], ev.Text)
	if len(parts) < len(r.Def.Questions) {
		r.Intake[ev.User] = parts
		return
	}
	delete(r.Intake, ev.User)
	m := p.Members[ev.User]
	key := namedKey(ev.User)
	r.Answers[key] = &Answer{Author: ev.User, Name: m.Name, Group: m.Group, Level: AnonFacilitators, Parts: parts}
	delete(r.Passes, key)
}

// intakeInvite is the private invitation to an intake, for a member who
// joined while it was open or who has not done it yet.
func (p *Process) intakeInvite(r *Round, u UserID, lead Line) Message {
	return Message{To: ToUser(u), Lines: []Line{lead, L(MsgIntakeHow, "questions", len(r.Def.Questions))}, Buttons: p.intakeButtons(r)}
}

// intakePreview is the intake for facilitators: each member's answers by
// name, those who stopped halfway, and the overview.
func (p *Process) intakePreview(r *Round, env Env) []Line {
	var lines []Line
	answers := p.Answers(r, env)
	for _, pr := range p.Progress(r, env) {
		lines = append(lines, L(MsgIntakeGroup, "group", p.Group(pr.Group).Name, "done", pr.Answered, "members", pr.Members, "declined", pr.Passed))
		var done []*Answer
		for _, a := range answers {
			if a.Group == pr.Group {
				done = append(done, a)
			}
		}
		slices.SortFunc(done, func(a, b *Answer) int {
			return cmp.Or(strings.Compare(strings.ToLower(p.shownName(a)), strings.ToLower(p.shownName(b))), strings.Compare(string(a.Author), string(b.Author)))
		})
		for _, a := range done {
			lines = append(lines, L(MsgIntakePerson, "name", p.shownName(a)))
			for i, text := range a.Parts {
				lines = append(lines, L(MsgIntakeAnswer, "q", r.Def.Questions[i], "text", text))
			}
		}
		for _, u := range sortedKeys(r.Intake) {
			if m := p.Members[u]; m != nil && m.Group == pr.Group {
				lines = append(lines, L(MsgIntakePartial, "name", m.Name, "q", len(r.Intake[u]), "questions", len(r.Def.Questions)))
				for i, text := range r.Intake[u] {
					lines = append(lines, L(MsgIntakeAnswer, "q", r.Def.Questions[i], "text", text))
				}
			}
		}
	}
	return append(lines, p.intakeThemes(r, env, false)...)
}

// minOverview is how many people must have answered before their answers
// can be shared without names: with fewer, everyone can tell whose they are.
const minOverview = 3

// intakeOverview is what may be shared of an intake: how many took part
// per group, and, once its summary was shared, the answers to the overview
// questions without names if enough people gave them.
func (p *Process) intakeOverview(r *Round, env Env) []Line {
	var lines []Line
	for _, pr := range p.Progress(r, env) {
		lines = append(lines, L(MsgIntakeGroup, "group", p.Group(pr.Group).Name, "done", pr.Answered, "members", pr.Members, "declined", pr.Passed))
	}
	if !r.Relayed && !r.Open() {
		return lines // the facilitators kept it to themselves
	}
	return append(lines, p.intakeThemes(r, env, true)...)
}

// intakeThemes are the answers to each overview question, from every group
// together and in an order drawn from the round's seed, so that nothing
// ties an answer to a person or a group. Those who declined after a few
// answers are left out. shared holds back questions fewer than minOverview
// people answered.
func (p *Process) intakeThemes(r *Round, env Env, shared bool) []Line {
	if len(r.Def.Overview) == 0 {
		return nil
	}
	lines := []Line{L(MsgIntakeOverviewHeader)}
	answers := p.Answers(r, env)
	_, passes := p.tally(r, env)
	for _, n := range r.Def.Overview {
		var texts []string
		for _, k := range sortedKeys(answers) {
			if parts := answers[k].Parts; n-1 < len(parts) {
				texts = append(texts, parts[n-1])
			}
		}
		for _, u := range sortedKeys(r.Intake) {
			if _, declined := passes[namedKey(u)]; declined {
				continue
			}
			if parts := r.Intake[u]; n-1 < len(parts) && p.Members[u] != nil {
				texts = append(texts, parts[n-1])
			}
		}
		lines = append(lines, L(MsgIntakeTheme, "text", r.Def.Questions[n-1]))
		if shared && len(texts) > 0 && len(texts) < minOverview {
			lines = append(lines, L(MsgIntakeTooFew, "min", minOverview))
			continue
		}
		rng := rand.New(rand.NewPCG(uint64(r.Seed), uint64(n)))
		rng.Shuffle(len(texts), func(i, j int) { texts[i], texts[j] = texts[j], texts[i] })
		for _, t := range texts {
			lines = append(lines, L(MsgSummaryAnswerAnonymous, "text", t))
		}
		if len(texts) == 0 {
			lines = append(lines, L(MsgSummaryNoAnswers))
		}
	}
	return lines
}

func intakeProgressLine(pr Progress) Line {
	return L(MsgIntakeProgress, "done", pr.Answered, "members", pr.Members, "declined", pr.Passed)
}
