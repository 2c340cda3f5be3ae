package flows

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
)

// summary lists a round's answers per group: named answers by name, then
// anonymous ones unattributed and in an order drawn from the round's seed,
// never with times. forFacilitators shows the names of answers that are
// anonymous only to participants.
func (p *Process) summary(r *Round, env Env, forFacilitators bool) []Line {
	answers := p.Answers(r, env)
	var lines []Line
	for _, pr := range p.Progress(r, env) {
		g := p.Group(pr.Group)
		lines = append(lines, L(MsgSummaryGroup, "group", g.Name, "answered", pr.Answered, "members", pr.Members, "passed", pr.Passed))
		var named, anonymous []*Answer
		for _, k := range sortedKeys(answers) {
			a := answers[k]
			if a.Group != g.ID {
				continue
			}
			if a.Level == AnonNone || (forFacilitators && a.Level == AnonFacilitators) {
				named = append(named, a)
			} else {
				anonymous = append(anonymous, a)
			}
		}
		slices.SortStableFunc(named, func(a, b *Answer) int {
			return cmp.Or(strings.Compare(strings.ToLower(p.shownName(a)), strings.ToLower(p.shownName(b))), strings.Compare(string(a.Author), string(b.Author)))
		})
		// The map order of anonymous answers is by pseudonym: already
		// meaningless, but shuffle so the order depends on nothing stored
		// with the answer.
		rng := rand.New(rand.NewPCG(uint64(r.Seed), uint64(r.N)))
		rng.Shuffle(len(anonymous), func(i, j int) { anonymous[i], anonymous[j] = anonymous[j], anonymous[i] })
		for _, a := range named {
			if a.Level == AnonFacilitators {
				lines = append(lines, L(MsgSummaryAnswerHidden, "name", p.shownName(a), "text", a.Text))
			} else {
				lines = append(lines, L(MsgSummaryAnswer, "name", p.shownName(a), "text", a.Text))
			}
		}
		for _, a := range anonymous {
			lines = append(lines, L(MsgSummaryAnswerAnonymous, "text", a.Text))
		}
		if len(named)+len(anonymous) == 0 {
			lines = append(lines, L(MsgSummaryNoAnswers))
		}
	}
	return lines
}

// shownName is the name an answer is shown under: the author's current
// name (an alias chosen later counts), or the name they had when answering.
func (p *Process) shownName(a *Answer) string {
	if m := p.Members[a.Author]; m != nil {
		return m.Name
	}
	return a.Name
}
