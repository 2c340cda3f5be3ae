package flows

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// nudgeInterval is how long a round's waiting members are left in peace
// after a facilitator nudged them.
const nudgeInterval = time.Hour

// Nudge is /nudge [N]: the facilitator sends everyone in round N (or the
// round open here) who has not answered yet a kind private reminder, and
// sees who they are, unless the round is fully anonymous.
type Nudge struct {
	Actor Actor
	Arg   string
}

func (c Nudge) decide(p *Process, env Env) (*Decision, error) {
	if err := requireFacilitator(p, c.Actor); err != nil {
		return nil, err
	}
	if err := p.requireRunning(c.Actor.User); err != nil {
		return nil, err
	}
	r, err := p.roundToNudge(c.Actor, strings.TrimSpace(c.Arg))
	if err != nil {
		return nil, err
	}
	loc := env.location(p.TimeZone())
	if quiet := p.QuietHours(); quiet.In(env.Now, loc) {
		return nil, Refuse(ErrNudgeQuiet, "hours", quiet.String(), "at", Zoned{quiet.After(env.Now, loc), p.TimeZone()})
	}
	waiting := p.waitingByName(r, env)
	if len(waiting) == 0 {
		return replyOnly(private(L(MsgNobodyWaiting, "n", r.N))), nil
	}
	if !r.Nudged.IsZero() && env.Now.Before(r.Nudged.Add(nudgeInterval)) {
		return nil, Refuse(ErrNudgedRecently, "n", r.N, "at", Zoned{r.Nudged.Add(nudgeInterval), p.TimeZone()})
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&Nudged{Round: r.N})
	from := p.Facilitators[c.Actor.User].Name
	var names []string
	for _, m := range waiting {
		names = append(names, m.Name)
		nudge := MsgNudgeFrom
		if r.Def.Private() {
			nudge = MsgNudgeIntakeFrom
		}
		msg := Message{To: ToUser(m.User), Lines: []Line{L(nudge, "name", from, "n", r.N, "kind", r.Def.Title)}}
		if dl := r.deadlineOf(m.Group); !dl.IsZero() {
			msg.Lines = append(msg.Lines, L(MsgRoundDeadline, "deadline", Zoned{dl, p.TimeZone()}))
		}
		if r.Def.Private() {
			msg.Buttons = p.intakeButtons(r)
		}
		b.send(msg)
	}
	if r.AnonymousLevel() == AnonFull {
		// Who is still waiting would tell who answered anonymously.
		b.reply(private(L(MsgNudgedCount, "count", len(waiting), "n", r.N)))
	} else {
		b.reply(private(L(MsgNudgedNames, "count", len(waiting), "n", r.N, "names", strings.Join(names, ", "))))
	}
	return b.decision(), nil
}

func (p *Process) roundToNudge(a Actor, arg string) (*Round, error) {
	if arg != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(arg, "#"))
		if err != nil {
			return nil, Refuse(ErrNudgeHow)
		}
		r := p.Round(n)
		if r == nil || !r.Open() {
			return nil, Refuse(ErrRoundNotOpen, "n", n)
		}
		return r, nil
	}
	if r := p.OpenRoundIn(a.Chat.ID); r != nil {
		return r, nil
	}
	switch open := p.OpenRounds(); len(open) {
	case 0:
		return nil, Refuse(ErrNoOpenRound)
	case 1:
		return open[0], nil
	default:
		var which []string
		for _, r := range open {
			which = append(which, "/nudge "+strconv.Itoa(r.N))
		}
		return nil, Refuse(ErrNudgeWhich, "rounds", strings.Join(which, ", "))
	}
}

// Nudged records that a facilitator nudged a round's waiting members.
type Nudged struct {
	Round int `json:"round"`
}

func (*Nudged) EventType() string { return "nudged" }

func (ev *Nudged) apply(p *Process, e *Event) { p.Round(ev.Round).Nudged = e.At }

// voiceLines show how the answers so far are spread over the groups, so a
// facilitator notices a group that dominates or stays silent: each group's
// answers across all rounds, its share of them, and its size.
func (p *Process) voiceLines(env Env) []Line {
	counts := map[GroupID]int{}
	total := 0
	for _, r := range p.Rounds {
		if r.Def.Consent || r.Def.Private() {
			continue // votes are counted elsewhere; an intake is heard by no group
		}
		for _, a := range p.Answers(r, env) {
			counts[a.Group]++
			total++
		}
	}
	if total == 0 {
		return nil
	}
	lines := []Line{L(MsgStatusVoiceHeader)}
	for _, g := range p.Groups {
		share := (counts[g.ID]*100 + total/2) / total
		lines = append(lines, L(MsgStatusVoice, "group", g.Name, "answers", counts[g.ID], "share", share, "members", len(p.MembersOf(g.ID))))
	}
	return lines
}

// waitingLines name, for a facilitator asking privately, who in each open
// round has not answered yet (never in a fully anonymous round).
func (p *Process) waitingLines(env Env) []Line {
	var lines []Line
	for _, r := range p.OpenRounds() {
		var names []string
		for _, m := range p.waitingByName(r, env) {
			names = append(names, m.Name)
		}
		switch {
		case len(names) == 0:
		case r.AnonymousLevel() == AnonFull:
			// Who is still waiting would tell who answered anonymously.
			lines = append(lines, L(MsgStatusWaitingAnonymous, "n", r.N, "count", len(names)))
		default:
			lines = append(lines, L(MsgStatusWaiting, "n", r.N, "count", len(names), "names", strings.Join(names, ", ")))
		}
	}
	return lines
}

// waitingByName is waiting, in the order of their names: how a list of
// people reads.
func (p *Process) waitingByName(r *Round, env Env) []*Member {
	out := p.waiting(r, env)
	slices.SortStableFunc(out, func(a, b *Member) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(string(a.User), string(b.User)))
	})
	return out
}
