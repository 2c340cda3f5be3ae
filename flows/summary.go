package flows

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
)

// summaryGroup is one group's part of a round's summary: its progress and
// its answers, named ones by name first, then anonymous ones.
type summaryGroup struct {
	progress  Progress
	named     []summaryEntry
	anonymous []summaryEntry
}

type summaryEntry struct {
	key    string
	answer *Answer
}

// summaryGroups orders a round's answers for its summary: per group, named
// answers by name, then anonymous ones in an order drawn from the round's
// seed, never by time. forFacilitators counts answers anonymous only to
// participants as named. The order is stable, so a facilitator can point
// at an answer by its number in the preview.
func (p *Process) summaryGroups(r *Round, env Env, forFacilitators bool) []summaryGroup {
	answers := p.Answers(r, env)
	var out []summaryGroup
	for _, pr := range p.Progress(r, env) {
		sg := summaryGroup{progress: pr}
		for _, k := range sortedKeys(answers) {
			a := answers[k]
			if a.Group != pr.Group {
				continue
			}
			if a.Level == AnonNone || (forFacilitators && a.Level == AnonFacilitators) {
				sg.named = append(sg.named, summaryEntry{k, a})
			} else {
				sg.anonymous = append(sg.anonymous, summaryEntry{k, a})
			}
		}
		slices.SortStableFunc(sg.named, func(a, b summaryEntry) int {
			// By the name given with the answer, not the current one: a
			// /name after closing must not renumber the preview under a
			// facilitator who is about to hide answer 2.
			return cmp.Or(r.spokeAt(a.answer)-r.spokeAt(b.answer),
				strings.Compare(strings.ToLower(a.answer.Name), strings.ToLower(b.answer.Name)),
				strings.Compare(string(a.answer.Author), string(b.answer.Author)))
		})
		// The map order of anonymous answers is by pseudonym: already
		// meaningless, but shuffle so the order depends on nothing stored
		// with the answer.
		rng := rand.New(rand.NewPCG(uint64(r.Seed), uint64(r.N)))
		rng.Shuffle(len(sg.anonymous), func(i, j int) { sg.anonymous[i], sg.anonymous[j] = sg.anonymous[j], sg.anonymous[i] })
		out = append(out, sg)
	}
	return out
}

// summary lists a round's answers as participants see them when it is
// shared (and as the record keeps them): hidden answers left out with a
// note of how many, then the facilitators' synthesis. An intake shares
// only its unattributed overview.
func (p *Process) summary(r *Round, env Env) []Line {
	if r.Def.Private() {
		return p.intakeOverview(r, env)
	}
	var lines []Line
	for _, sg := range p.summaryGroups(r, env, false) {
		lines = append(lines, p.groupLine(sg.progress))
		shown, hidden := 0, 0
		for _, e := range append(sg.named, sg.anonymous...) {
			if _, ok := r.Hidden[e.key]; ok {
				hidden++
				continue
			}
			shown++
			switch e.answer.Level {
			case AnonNone:
				lines = append(lines, L(MsgSummaryAnswer, "name", p.shownName(e.answer), "text", e.answer.Text))
			default:
				lines = append(lines, L(MsgSummaryAnswerAnonymous, "text", e.answer.Text))
			}
		}
		if hidden > 0 {
			lines = append(lines, L(MsgSummaryWithheld, "count", hidden))
		} else if shown == 0 {
			lines = append(lines, L(MsgSummaryNoAnswers))
		}
	}
	if r.Synthesis != "" {
		lines = append(lines, L(MsgSummarySynthesis, "text", r.Synthesis))
	}
	return lines
}

// previewSummary is the summary as facilitators see it before sharing:
// every answer numbered (so one can be hidden by its number), answers
// anonymous only to participants with their author's name, hidden ones
// marked with the reason.
func (p *Process) previewSummary(r *Round, env Env) []Line {
	if r.Def.Private() {
		return p.intakePreview(r, env)
	}
	var lines []Line
	nr := 0
	for _, sg := range p.summaryGroups(r, env, true) {
		lines = append(lines, p.groupLine(sg.progress))
		for _, e := range append(sg.named, sg.anonymous...) {
			nr++
			a := e.answer
			if reason, ok := r.Hidden[e.key]; ok {
				lines = append(lines, L(MsgPreviewAnswerHidden, "nr", nr, "text", a.Text, "reason", reason))
				continue
			}
			switch a.Level {
			case AnonNone:
				lines = append(lines, L(MsgPreviewAnswer, "nr", nr, "name", p.shownName(a), "text", a.Text))
			case AnonFacilitators:
				lines = append(lines, L(MsgPreviewAnswerNamedOnly, "nr", nr, "name", p.shownName(a), "text", a.Text))
			default:
				lines = append(lines, L(MsgPreviewAnswerAnonymous, "nr", nr, "text", a.Text))
			}
		}
		if len(sg.named)+len(sg.anonymous) == 0 {
			lines = append(lines, L(MsgSummaryNoAnswers))
		}
	}
	if r.Synthesis != "" {
		lines = append(lines, L(MsgSummarySynthesis, "text", r.Synthesis))
	}
	return lines
}

// spokeAt is an answer's place in the talking piece's order, so that a
// turn round's summary reads in speaking order (0 without turns).
func (r *Round) spokeAt(a *Answer) int {
	t := r.Turns[turnKey(r, a.Group)]
	if t == nil {
		return 0
	}
	if i := slices.Index(t.Order, a.Author); i >= 0 {
		return i
	}
	return len(t.Order)
}

// numberedAnswer finds the answer with number nr in the preview.
func (p *Process) numberedAnswer(r *Round, env Env, nr int) (string, *Answer, bool) {
	i := 0
	for _, sg := range p.summaryGroups(r, env, true) {
		for _, e := range append(sg.named, sg.anonymous...) {
			if i++; i == nr {
				return e.key, e.answer, true
			}
		}
	}
	return "", nil, false
}

func (p *Process) groupLine(pr Progress) Line {
	return L(MsgSummaryGroup, "group", p.Group(pr.Group).Name, "answered", pr.Answered, "members", pr.Members, "passed", pr.Passed)
}

// shownName is the name an answer is shown under: the author's current
// name (an alias chosen later counts), or the name they had when answering.
func (p *Process) shownName(a *Answer) string {
	if m := p.Members[a.Author]; m != nil {
		return m.Name
	}
	return a.Name
}
