package flows

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Required is how many answers a group of members needs for a decision:
// the quorum share of its members, and at least the minimum count (or
// everyone, in a group smaller than that).
func (p *Process) Required(members int) int {
	share, minimum := p.Quorum()
	need := int(math.Ceil(share*float64(members) - 1e-9))
	return max(need, min(minimum, members))
}

// Tally is where a group stands in a consent round. The names lists hold
// at most MaxShownNames names each, the first in alphabetical order: a
// round message lists who chose what, and in a group of thousands a list
// of everyone would be unreadable (the counts say how many).
type Tally struct {
	Members, Required, Answered          int
	Consents, Concerns, Objections       int
	ConsentNames, ConcernNames, ObjNames []string
}

// MaxShownNames is how many names a Tally keeps per choice.
const MaxShownNames = 20

// ConsentTally counts the votes of g's current members in consent round r.
// An objection counts while it stands. It takes one pass over the group's
// members (MembersOf keeps them indexed) and sorts none of them.
func (p *Process) ConsentTally(r *Round, g GroupID) Tally { return p.cachedTally(r, g) }

// countTally counts a tally afresh (ConsentTally).
func (p *Process) countTally(r *Round, g GroupID) Tally {
	var t Tally
	for _, m := range p.MembersOf(g) {
		t.Members++
		v := r.Votes[m.User]
		// A withdrawn objection leaves a vote without a choice: no
		// answer, as waiting() counts it.
		if v == nil || v.Group != g || v.Choice == "" {
			continue
		}
		t.Answered++
		switch v.Choice {
		case VoteConsent:
			t.Consents++
			t.ConsentNames = firstNames(t.ConsentNames, m.Name)
		case VoteConcern:
			t.Concerns++
			t.ConcernNames = firstNames(t.ConcernNames, m.Name)
		case VoteObjection:
			if o := p.Objection(v.Objection); o != nil && o.Standing() {
				t.Objections++
				t.ObjNames = firstNames(t.ObjNames, m.Name)
			}
		}
	}
	t.Required = p.Required(t.Members)
	return t
}

// firstNames adds name to names, kept sorted case-insensitively and cut at
// MaxShownNames.
func firstNames(names []string, name string) []string {
	if len(names) == MaxShownNames && compareFold(name, names[len(names)-1]) >= 0 {
		return names
	}
	i, _ := slices.BinarySearchFunc(names, name, compareFold)
	names = slices.Insert(names, i, name)
	if len(names) > MaxShownNames {
		names = names[:MaxShownNames]
	}
	return names
}

// compareFold orders strings as their lower-case forms would, without
// making them; equal folds fall back to the plain order, so the order is
// total.
func compareFold(a, b string) int {
	x, y := a, b
	for x != "" && y != "" {
		ra, na := utf8.DecodeRuneInString(x)
		rb, nb := utf8.DecodeRuneInString(y)
		if la, lb := unicode.ToLower(ra), unicode.ToLower(rb); la != lb {
			return cmp.Compare(la, lb)
		}
		x, y = x[na:], y[nb:]
	}
	if c := cmp.Compare(len(x), len(y)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// standingObjections returns the standing objections raised in round r by
// members of group g.
func (p *Process) standingObjections(r *Round, g GroupID) []*Objection {
	var out []*Objection
	for _, o := range p.Objections {
		if o.Round == r.N && o.Group == g && o.Standing() {
			out = append(out, o)
		}
	}
	return out
}

// voting reports whether group g still votes in consent round r.
func (r *Round) voting(g GroupID) bool {
	_, decided := r.Decisions[g]
	return !decided && slices.Contains(r.Groups, g)
}

// closesAt is when an open round closes: its deadline, or for a consent
// round the latest deadline of a group still voting.
func (r *Round) closesAt() time.Time {
	if !r.Def.Consent {
		return r.Deadline
	}
	var last time.Time
	for _, g := range r.Groups {
		if dl := r.deadlineOf(g); r.voting(g) && dl.After(last) {
			last = dl
		}
	}
	return last
}

// deadlineOf is when group g's voting in r ends (zero: no deadline).
func (r *Round) deadlineOf(g GroupID) time.Time {
	if d, ok := r.Extended[g]; ok {
		return d
	}
	return r.Deadline
}

// decide is what group g's consent round comes to now: blocked by a
// standing objection; passed with quorum; otherwise no decision.
func (p *Process) decide(r *Round, g GroupID, now time.Time) GroupDecision {
	t := p.ConsentTally(r, g)
	d := GroupDecision{At: now, Members: t.Members, Required: t.Required, Answered: t.Answered,
		Consents: t.Consents, Concerns: t.Concerns, Objections: len(p.standingObjections(r, g))}
	switch {
	case d.Objections > 0:
		d.Outcome = OutcomeBlocked
	case t.Members > 0 && t.Answered >= t.Required:
		d.Outcome = OutcomePassed
	default:
		d.Outcome = OutcomeNoDecision
	}
	return d
}

// openConsent opens a consent round on version v of pr in every group.
func (p *Process) openConsent(b *builder, env Env, a Actor, pr *Proposal, v int) error {
	if err := p.requireRunning(a.User); err != nil {
		return err
	}
	name := p.Template.ConsentKind()
	if name == "" {
		return Refuse(ErrNoConsentKind)
	}
	if err := p.requireGroups(); err != nil {
		return err
	}
	for _, r := range p.OpenRounds() {
		if r.Def.Consent && r.Proposal == pr.N {
			return Refuse(ErrConsentRunning, "n", r.N, "proposal", pr.N)
		}
		if !r.Joint {
			return Refuse(ErrRoundStillOpen, "n", r.N, "kind", r.Def.Title)
		}
	}
	kind := p.Kind(name)
	var groups []GroupID
	for _, g := range p.Groups {
		groups = append(groups, g.ID)
	}
	r := &Round{N: len(p.Rounds) + 1, Kind: name, Def: kind, Groups: groups, Opened: env.Now, Seed: env.Seed,
		Proposal: pr.N, Version: v}
	if kind.Deadline > 0 {
		r.Deadline = env.Now.Add(time.Duration(kind.Deadline))
	}
	for _, d := range kind.Reminders {
		r.Reminders = append(r.Reminders, env.Now.Add(time.Duration(d)))
	}
	b.event(&RoundOpened{Round: r})
	b.sendAfter(func(q *Process) []Message { return q.roundMessages(r.N, env, false) })
	if p.Joint != "" {
		b.send(Message{To: ToChat(p.Joint), Lines: []Line{L(MsgConsentStartedJoint, "n", r.N, "proposal", pr.N, "v", v)}})
	}
	b.reply(private(L(MsgConsentOpened, "n", r.N, "proposal", pr.N, "v", v)))
	return nil
}

// consentMessage is a consent round's message in a group's chat, with its
// live tally (and names, unless the process shows tallies only).
func (p *Process) consentMessage(r *Round, chat ChatID, env Env, edit bool) Message {
	m := Message{To: ToChat(chat), Ref: roundRef(r, chat), Edit: edit}
	pr := p.Proposal(r.Proposal)
	v := pr.Version(r.Version)
	m.Lines = append(m.Lines,
		L(MsgConsentHeader, "n", r.N, "proposal", pr.N, "v", v.V),
		L(MsgQuote, "text", v.Text),
		L(MsgConsentQuestion),
		L(MsgConsentExplain))
	g := p.GroupByChat(chat)
	if g == nil {
		return m
	}
	t := p.ConsentTally(r, g.ID)
	if d, decided := r.Decisions[g.ID]; decided {
		m.Lines = append(m.Lines, L(MsgOutcomeLine, "outcome", outcomeKey(d.Outcome)), tallyLine(t))
		return m
	}
	if dl := r.deadlineOf(g.ID); !dl.IsZero() {
		m.Lines = append(m.Lines, L(MsgRoundDeadline, "deadline", Zoned{dl, p.TimeZone()}))
	}
	m.Lines = append(m.Lines, tallyLine(t))
	if p.VotesShown() == VotesNamed {
		for _, row := range []struct {
			key   MsgKey
			names []string
			count int
		}{{MsgNamesConsent, t.ConsentNames, t.Consents}, {MsgNamesConcern, t.ConcernNames, t.Concerns}, {MsgNamesObjection, t.ObjNames, t.Objections}} {
			if len(row.names) > 0 {
				names := strings.Join(row.names, ", ")
				if row.count > len(row.names) {
					names += ", …" // the tally line above gives the number
				}
				m.Lines = append(m.Lines, L(row.key, "names", names))
			}
		}
	}
	vote := func(label MsgKey, arg string) Button {
		return Button{Label: L(label), Intent: Intent{Do: DoVote, Process: p.ID, N: r.N, Arg: arg}}
	}
	m.Buttons = [][]Button{
		{vote(BtnConsent, VoteConsent), vote(BtnConcern, VoteConcern)},
		{vote(BtnObjection, VoteObjection), vote(BtnQuestion, "question")},
	}
	return m
}

func tallyLine(t Tally) Line {
	return L(MsgConsentTally, "answered", t.Answered, "members", t.Members, "required", t.Required,
		"consents", t.Consents, "concerns", t.Concerns, "objections", t.Objections)
}

func outcomeKey(outcome string) MsgKey {
	switch outcome {
	case OutcomePassed:
		return MsgOutcomePassed
	case OutcomeBlocked:
		return MsgOutcomeBlocked
	case OutcomeSilence:
		return MsgOutcomeSilence
	}
	return MsgOutcomeNoDecision
}

// decideGroups records a decision for every group of r that still votes
// and is in groups, then does what the decisions call for.
func (p *Process) decideGroups(b *builder, r *Round, groups []GroupID, env Env) {
	var decided []GroupID
	for _, g := range groups {
		if !r.voting(g) {
			continue
		}
		b.event(&GroupDecided{Round: r.N, Group: g, Decision: p.decide(r, g, env.Now)})
		decided = append(decided, g)
	}
	if len(decided) == 0 {
		return
	}
	n := r.N
	// Whether the round ends with this decision, and how, is known only
	// once the events are applied.
	b.sendAfter(func(q *Process) []Message { return q.afterDecisions(q.Round(n), decided, env) })
	if len(r.Decisions)+len(decided) == len(r.Groups) {
		blocked := false
		for _, g := range decided {
			blocked = blocked || p.decide(r, g, env.Now).Outcome == OutcomeBlocked
		}
		for _, d := range r.Decisions {
			blocked = blocked || d.Outcome == OutcomeBlocked
		}
		if blocked {
			b.event(&IntegrationFailed{Proposal: r.Proposal})
			pr := p.Proposal(r.Proposal)
			if pr.FailedCycles+1 >= StuckAfter && pr.StuckChoice == "" {
				b.sendAfter(func(q *Process) []Message { return q.stuckOptions(q.Proposal(pr.N)) })
			}
		}
	}
}

// afterDecisions are the messages that follow groups' decisions: the round's
// message in each decided group, its representatives' confirm button, the
// facilitators' choice after no decision, and, when every group has
// decided, the results in every chat.
func (p *Process) afterDecisions(r *Round, decided []GroupID, env Env) []Message {
	var out []Message
	pr := p.Proposal(r.Proposal)
	for _, gid := range decided {
		g := p.Group(gid)
		d := r.Decisions[gid]
		out = append(out, p.consentMessage(r, g.Chat, env, true))
		switch d.Outcome {
		case OutcomePassed, OutcomeSilence:
			out = append(out, p.confirmInvitations(pr, r.Version, g)...)
		case OutcomeNoDecision:
			for _, f := range p.FacilitatorIDs() {
				m := Message{To: ToUser(f), Lines: []Line{L(MsgNoDecision, "group", g.Name, "n", r.N, "answered", d.Answered, "required", d.Required)}}
				row := []Button{{Label: L(BtnExtend), Intent: Intent{Do: DoExtend, Process: p.ID, N: r.N, Group: gid}}}
				if p.Silence() == SilenceConsent {
					row = append(row, Button{Label: L(BtnCountSilence), Intent: Intent{Do: DoSilence, Process: p.ID, N: r.N, Group: gid}})
				} else {
					m.Lines = append(m.Lines, L(MsgSilenceNotAllowed))
				}
				m.Buttons = [][]Button{row}
				out = append(out, m)
			}
		}
	}
	if !r.Open() {
		out = append(out, p.consentResults(r)...)
	}
	return out
}

// confirmInvitations ask g's representatives to confirm the group's consent
// to version v (or tell the facilitators that g has none yet).
func (p *Process) confirmInvitations(pr *Proposal, v int, g *Group) []Message {
	if len(g.Reps) == 0 {
		var out []Message
		for _, f := range p.FacilitatorIDs() {
			out = append(out, Message{To: ToUser(f), Lines: []Line{L(MsgNoRepToConfirm, "group", g.Name, "proposal", pr.N, "v", v)}})
		}
		return out
	}
	var out []Message
	for _, rep := range g.Reps {
		out = append(out, Message{
			To:      ToUser(rep),
			Lines:   []Line{L(MsgAskConfirm, "group", g.Name, "proposal", pr.N, "v", v)},
			Buttons: [][]Button{{{Label: L(BtnConfirm, "group", g.Name), Intent: Intent{Do: DoConfirm, Process: p.ID, N: pr.N}}}},
		})
	}
	return out
}

// consentResults tell every chat what each group decided: tallies, and the
// concerns and objections without names.
func (p *Process) consentResults(r *Round) []Message {
	lines := []Line{L(MsgResultsHeader, "n", r.N, "proposal", r.Proposal, "v", r.Version)}
	for _, g := range p.Groups {
		d := r.Decisions[g.ID]
		if d == nil {
			continue
		}
		lines = append(lines, L(MsgResultsGroup, "group", g.Name, "outcome", outcomeKey(d.Outcome),
			"answered", d.Answered, "members", d.Members, "consents", d.Consents, "concerns", d.Concerns, "objections", d.Objections))
	}
	for _, u := range sortedKeys(r.Votes) {
		v := r.Votes[u]
		if v.Choice == VoteConcern {
			lines = append(lines, L(MsgResultsConcern, "group", p.groupName(v.Group), "text", v.Concern))
		}
	}
	for _, o := range p.Objections {
		if o.Round == r.N && o.State != ObjectionIsWithdrawn {
			lines = append(lines, objectionLines(o, p.groupName(o.Group), false)...)
		}
	}
	var out []Message
	for _, chat := range p.Chats() {
		out = append(out, Message{To: ToChat(chat), Lines: lines})
	}
	return out
}

func (p *Process) groupName(id GroupID) string {
	if g := p.Group(id); g != nil {
		return g.Name
	}
	return string(id)
}

// objectionLines show an objection's four fields; with a name only for
// those who may see it (facilitators, the proposer, the record).
func objectionLines(o *Objection, group string, named bool) []Line {
	head := L(MsgObjectionHead, "id", o.ID, "group", group, "proposal", o.Proposal, "v", o.Version)
	if named {
		head = L(MsgObjectionHeadNamed, "id", o.ID, "name", o.Name, "group", group, "proposal", o.Proposal, "v", o.Version)
	}
	return []Line{head,
		L(MsgObjectionFieldPart, "text", o.Part),
		L(MsgObjectionFieldHarm, "text", o.Harm),
		L(MsgObjectionFieldNeed, "text", o.Need),
		L(MsgObjectionFieldNotice, "text", o.Notice)}
}

// consentRound finds an open consent round the actor can vote in.
func (p *Process) consentRound(n int, a Actor) (*Round, *Member, error) {
	if err := p.requireRunning(a.User); err != nil {
		return nil, nil, err
	}
	r := p.Round(n)
	if r == nil || !r.Def.Consent {
		return nil, nil, Refuse(ErrButtonExpired)
	}
	if p.IsFacilitator(a.User) {
		return nil, nil, Refuse(ErrFacilitatorAnswers)
	}
	m := p.Members[a.User]
	switch {
	case m == nil:
		return nil, nil, Refuse(ErrJoinFirst)
	case !slices.Contains(r.Groups, m.Group):
		return nil, nil, Refuse(ErrNotInRound, "n", r.N)
	case !r.voting(m.Group):
		return nil, nil, Refuse(ErrConsentClosed, "n", r.N, "group", p.Group(m.Group).Name)
	}
	return r, m, nil
}

const maxConcernRunes = 500

// CastVote is an answer in a consent round: consent, consent with a concern
// (its text), or an overwegend bezwaar (the four fields). Changing one's
// answer is allowed until the group decides; pressing the same button again
// changes nothing.
type CastVote struct {
	Actor   Actor
	Round   int
	Choice  string
	Concern string
	Form    []string // the objection's four fields
}

func (c CastVote) decide(p *Process, env Env) (*Decision, error) {
	r, m, err := p.consentRound(c.Round, c.Actor)
	if err != nil {
		return nil, err
	}
	vote := Vote{Choice: c.Choice, Group: m.Group, Name: m.Name}
	switch c.Choice {
	case VoteConsent:
	case VoteConcern:
		vote.Concern = strings.TrimSpace(c.Concern)
		if vote.Concern == "" {
			return nil, Refuse(ErrConcernEmpty)
		}
		if n := len([]rune(vote.Concern)); n > maxConcernRunes {
			return nil, Refuse(ErrAnswerTooLong, "max", maxConcernRunes, "length", n)
		}
	case VoteObjection:
		if len(c.Form) != len(ObjectionFields) {
			return nil, Refuse(ErrObjectionIncomplete)
		}
		for _, f := range c.Form {
			if strings.TrimSpace(f) == "" {
				return nil, Refuse(ErrObjectionIncomplete)
			}
		}
	default:
		return nil, Refuse(ErrButtonExpired)
	}
	prev := r.Votes[c.Actor.User]
	if prev != nil && prev.Choice == vote.Choice && prev.Concern == vote.Concern && vote.Choice != VoteObjection {
		return replyOnly(private(L(MsgVoteUnchanged, "choice", choiceKey(vote.Choice)))), nil
	}
	b := newBuilder(c.Actor.User, env)
	pr := p.Proposal(r.Proposal)
	if prev != nil && prev.Choice == VoteObjection {
		if o := p.Objection(prev.Objection); o != nil && o.Standing() {
			b.event(&ObjectionWithdrawn{ID: o.ID})
			b.send(p.objectionWithdrawnNotices(o, pr)...)
		}
	}
	if c.Choice == VoteObjection {
		o := Objection{ID: len(p.Objections) + 1, Proposal: pr.N, Version: r.Version, Round: r.N, Group: m.Group,
			Author: c.Actor.User, Name: m.Name, At: env.Now, State: ObjectionOpen,
			Part: strings.TrimSpace(c.Form[0]), Harm: strings.TrimSpace(c.Form[1]),
			Need: strings.TrimSpace(c.Form[2]), Notice: strings.TrimSpace(c.Form[3])}
		b.event(&ObjectionRaised{Objection: o})
		vote.Objection = o.ID
		// Facilitators and the proposer start integrating it at once.
		for _, to := range p.facilitatorsAndProposer(pr) {
			b.send(Message{To: ToUser(to), Lines: append(objectionLines(&o, p.Group(m.Group).Name, p.namedFor(to, m.Group)), L(MsgObjectionNext))})
		}
	}
	b.event(&VoteCast{Round: r.N, User: c.Actor.User, Vote: vote})
	chat := p.Group(m.Group).Chat
	b.sendAfter(func(q *Process) []Message { return []Message{q.consentMessage(q.Round(r.N), chat, env, true)} })
	reply := private(L(MsgVoteRecorded, "choice", choiceKey(vote.Choice), "n", r.N))
	if c.Choice == VoteObjection {
		reply.Lines = append(reply.Lines, L(MsgObjectionRecorded, "id", vote.Objection))
		reply.Buttons = [][]Button{{{Label: L(BtnWithdrawObjection), Intent: Intent{Do: DoWithdrawObjection, Process: p.ID, N: vote.Objection}}}}
	}
	b.d.Done = c.Actor.Chat.Private
	b.reply(reply)
	return b.decision(), nil
}

func choiceKey(choice string) MsgKey {
	switch choice {
	case VoteConcern:
		return BtnConcern
	case VoteObjection:
		return BtnObjection
	}
	return BtnConsent
}

// namedFor reports whether to may see, by name, who in group g objected or
// asked: facilitators may (they moderate); others only within the same
// group, and only if the process shows consent answers by name (DESIGN.md
// §2: other groups see objections without names).
func (p *Process) namedFor(to UserID, g GroupID) bool {
	if p.IsFacilitator(to) {
		return true
	}
	m := p.Members[to]
	return m != nil && m.Group == g && p.VotesShown() == VotesNamed
}

// facilitatorsAndProposer are who hear of objections and questions: the
// facilitators and whoever wrote the proposal's latest version.
func (p *Process) facilitatorsAndProposer(pr *Proposal) []UserID {
	out := p.FacilitatorIDs()
	if a := pr.Latest().Author; a != "" && !slices.Contains(out, a) {
		out = append(out, a)
	}
	return out
}

// StartVote is a consent button that needs text first (a concern, the
// objection form, a question): the bot asks for it privately.
type StartVote struct {
	Actor  Actor
	Round  int
	Choice string // concern, objection or question
}

func (c StartVote) decide(p *Process, env Env) (*Decision, error) {
	r, _, err := p.consentRound(c.Round, c.Actor)
	if err != nil {
		return nil, err
	}
	if c.Choice == VoteConsent {
		return CastVote{Actor: c.Actor, Round: c.Round, Choice: VoteConsent}.decide(p, env)
	}
	pr := p.Proposal(r.Proposal)
	d := &Decision{}
	lines := []Line{L(MsgConsentHeader, "n", r.N, "proposal", pr.N, "v", r.Version)}
	switch c.Choice {
	case VoteConcern:
		d.Await = &Await{Process: p.ID, Round: r.N, Purpose: PurposeConcern}
		lines = append(lines, L(MsgAskConcern))
	case VoteObjection:
		d.Await = &Await{Process: p.ID, Round: r.N, Purpose: PurposeObjection}
		lines = append(lines, L(MsgObjectionIntro), L(MsgFormStep, "step", 1, "steps", len(ObjectionFields)), L(ObjectionFields[0]))
	case "question":
		d.Await = &Await{Process: p.ID, Round: r.N, Purpose: PurposeQuestion}
		lines = append(lines, L(MsgAskQuestion))
	default:
		return nil, Refuse(ErrButtonExpired)
	}
	m := private(lines...)
	d.Reply = &m
	return d, nil
}

// AskQuestion is "Ik heb nog een vraag": the question goes to the
// facilitators and the proposer; it is not an answer.
type AskQuestion struct {
	Actor Actor
	Round int
	Text  string
}

func (c AskQuestion) decide(p *Process, env Env) (*Decision, error) {
	r, m, err := p.consentRound(c.Round, c.Actor)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(c.Text)
	if text == "" {
		return nil, Refuse(ErrEmptyAnswer)
	}
	if n := len([]rune(text)); n > MaxAnswerRunes {
		return nil, Refuse(ErrAnswerTooLong, "max", MaxAnswerRunes, "length", n)
	}
	b := newBuilder(c.Actor.User, env)
	g := p.Group(m.Group)
	b.event(&QuestionAsked{Round: r.N, Group: g.ID, Name: m.Name, Text: text})
	for _, to := range p.facilitatorsAndProposer(p.Proposal(r.Proposal)) {
		line := L(MsgQuestionForwardedUnnamed, "group", g.Name, "proposal", r.Proposal, "text", text)
		if p.namedFor(to, g.ID) {
			line = L(MsgQuestionForwarded, "name", m.Name, "group", g.Name, "proposal", r.Proposal, "text", text)
		}
		b.send(Message{To: ToUser(to), Lines: []Line{line}})
	}
	b.d.Done = c.Actor.Chat.Private
	b.reply(private(L(MsgQuestionSent)))
	return b.decision(), nil
}

// StartConsent is /consent N: a consent round on proposal N's latest
// version, in every group at once.
type StartConsent struct {
	Actor    Actor
	Proposal int
}

func (c StartConsent) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	pr, err := p.openProposal(c.Proposal)
	if err != nil {
		return nil, err
	}
	if v := pr.Latest(); v.V > 1 && v.Change == "" {
		return nil, Refuse(ErrVersionUnclassified, "proposal", pr.N, "v", v.V)
	}
	b := newBuilder(c.Actor.User, env)
	if err := p.openConsent(b, env, c.Actor, pr, pr.Shown().V); err != nil {
		return nil, err
	}
	return b.decision(), nil
}

// openProposal returns proposal n if it exists and is not adopted yet; n 0
// means the only proposal not adopted yet.
func (p *Process) openProposal(n int) (*Proposal, error) {
	if n == 0 {
		var open []*Proposal
		for _, pr := range p.Proposals {
			if pr.Adopted == 0 {
				open = append(open, pr)
			}
		}
		switch {
		case len(p.Proposals) == 0:
			return nil, Refuse(ErrNoProposals)
		case len(open) != 1:
			return nil, Refuse(ErrWhichProposal, "count", len(p.Proposals))
		}
		return open[0], nil
	}
	pr := p.Proposal(n)
	switch {
	case pr == nil && len(p.Proposals) == 0:
		return nil, Refuse(ErrNoProposals)
	case pr == nil:
		return nil, Refuse(ErrUnknownProposal, "n", n, "count", len(p.Proposals))
	case pr.Adopted > 0:
		return nil, Refuse(ErrProposalAdopted, "n", n, "v", pr.Adopted)
	}
	return pr, nil
}

// Extend is the facilitator's choice after no decision: the group gets more
// time (the consent kind's deadline again).
type Extend struct {
	Actor Actor
	Round int
	Group GroupID
}

func (c Extend) decide(p *Process, env Env) (*Decision, error) {
	r, g, err := p.noDecision(c.Actor, c.Round, c.Group)
	if err != nil {
		return nil, err
	}
	extra := time.Duration(r.Def.Deadline)
	if extra <= 0 {
		extra = 48 * time.Hour
	}
	until := env.Now.Add(extra)
	b := newBuilder(c.Actor.User, env)
	b.event(&ConsentExtended{Round: r.N, Group: g.ID, Deadline: until})
	b.send(Message{To: ToChat(g.Chat), Lines: []Line{L(MsgExtended, "n", r.N, "deadline", Zoned{until, p.TimeZone()})}})
	if p.Joint != "" {
		b.send(Message{To: ToChat(p.Joint), Lines: []Line{L(MsgExtendedFor, "group", g.Name, "deadline", Zoned{until, p.TimeZone()})}})
	}
	b.sendAfter(func(q *Process) []Message { return []Message{q.consentMessage(q.Round(r.N), g.Chat, env, true)} })
	b.reply(private(L(MsgExtendedFor, "group", g.Name, "deadline", Zoned{until, p.TimeZone()})))
	return b.decision(), nil
}

// StartSilence is the facilitator's button to count silence as consent:
// the bot asks for the reason, which goes into the record.
type StartSilence struct {
	Actor Actor
	Round int
	Group GroupID
}

func (c StartSilence) decide(p *Process, _ Env) (*Decision, error) {
	r, g, err := p.noDecision(c.Actor, c.Round, c.Group)
	if err != nil {
		return nil, err
	}
	if p.Silence() != SilenceConsent {
		return nil, Refuse(ErrSilenceNotAllowed)
	}
	m := private(L(MsgSilenceReason, "group", g.Name, "n", r.N))
	return &Decision{Await: &Await{Process: p.ID, Purpose: PurposeSilence, Round: r.N, Arg: string(g.ID)}, Reply: &m}, nil
}

// CountSilence is the facilitator's other choice after no decision, allowed
// only when the process's rules say silence counts as consent; the reason
// is logged.
type CountSilence struct {
	Actor  Actor
	Round  int
	Group  GroupID
	Reason string
}

func (c CountSilence) decide(p *Process, env Env) (*Decision, error) {
	r, g, err := p.noDecision(c.Actor, c.Round, c.Group)
	if err != nil {
		return nil, err
	}
	if p.Silence() != SilenceConsent {
		return nil, Refuse(ErrSilenceNotAllowed)
	}
	reason, err := reasonText(c.Reason)
	if err != nil {
		return nil, err
	}
	d := *r.Decisions[g.ID]
	d.Outcome, d.At = OutcomeSilence, env.Now
	b := newBuilder(c.Actor.User, env)
	b.d.Done = true
	b.event(&Intervened{What: InterventionSilence, Round: r.N, Group: g.ID, Note: reason})
	b.event(&GroupDecided{Round: r.N, Group: g.ID, Decision: d})
	b.sendAfter(func(q *Process) []Message {
		out := []Message{q.consentMessage(q.Round(r.N), g.Chat, env, true)}
		for _, chat := range q.Chats() {
			out = append(out, Message{To: ToChat(chat), Lines: []Line{L(MsgSilenceAnnounced, "group", g.Name, "n", r.N, "reason", reason)}})
		}
		return append(out, q.confirmInvitations(q.Proposal(r.Proposal), r.Version, q.Group(g.ID))...)
	})
	b.reply(private(L(MsgSilenceCounted, "group", g.Name)))
	return b.decision(), nil
}

func (p *Process) noDecision(a Actor, n int, gid GroupID) (*Round, *Group, error) {
	if err := requireFacilitator(p, a); err != nil {
		return nil, nil, err
	}
	r := p.Round(n)
	g := p.Group(gid)
	if r == nil || g == nil || !r.Def.Consent {
		return nil, nil, Refuse(ErrButtonExpired)
	}
	d := r.Decisions[gid]
	if d == nil || d.Outcome != OutcomeNoDecision {
		return nil, nil, Refuse(ErrNotNoDecision, "group", g.Name, "n", r.N)
	}
	return r, g, nil
}
