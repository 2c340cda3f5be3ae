package flows

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// TurnState is the talking piece in one chat of a turn-mode round: members
// speak one at a time, in an order drawn from the round's seed (so it
// varies per round, method.md §3d).
type TurnState struct {
	Order []UserID `json:"order"`
	// Pos is the index in Order of who holds the talking piece; past the
	// end, everyone had their turn and the round is open to all.
	Pos   int       `json:"pos"`
	Since time.Time `json:"since"`
	// Held are answers given out of turn, placed when their turn comes;
	// Shown marks those given as a reply in the chat, which everyone read.
	Held  map[UserID]string `json:"held,omitempty"`
	Shown map[UserID]bool   `json:"shown,omitempty"`
}

func (t *TurnState) done() bool { return t.Pos >= len(t.Order) }

// Current returns who holds the talking piece ("" when everyone had a turn).
func (t *TurnState) Current() UserID {
	if t.done() {
		return ""
	}
	return t.Order[t.Pos]
}

// turnKey names the chat a turn state belongs to: the group, or the joint chat.
func turnKey(r *Round, g GroupID) GroupID {
	if r.Joint {
		return "joint"
	}
	return g
}

// newTurns deals the talking piece for a new round: one order per chat,
// shuffled from the round's seed.
func (p *Process) newTurns(r *Round) map[GroupID]*TurnState {
	out := map[GroupID]*TurnState{}
	for _, m := range p.Participants(r) {
		k := turnKey(r, m.Group)
		if out[k] == nil {
			out[k] = &TurnState{Since: r.Opened}
		}
		out[k].Order = append(out[k].Order, m.User)
	}
	for k, t := range out {
		h := fnv.New64a()
		h.Write([]byte(k))
		rng := rand.New(rand.NewPCG(uint64(r.Seed), h.Sum64()))
		rng.Shuffle(len(t.Order), func(i, j int) { t.Order[i], t.Order[j] = t.Order[j], t.Order[i] })
	}
	return out
}

// hasSpoken reports whether u answered or passed in r.
func (r *Round) hasSpoken(u UserID) bool {
	_, answered := r.Answers[namedKey(u)]
	_, passed := r.Passes[namedKey(u)]
	return answered || passed
}

// advanceTurn moves the talking piece on from the current speaker, who just
// spoke (done) or whose turn ended: past those who left or spoke already,
// placing answers held for those whose turn it now is.
func (p *Process) advanceTurn(b *builder, r *Round, k GroupID, done UserID, why Line, env Env) {
	t := r.Turns[k]
	chat := p.turnChat(r, k)
	if why.Key != "" {
		b.send(Message{To: ToChat(chat), Lines: []Line{why}})
	}
	next := t.Pos + 1
	for ; next < len(t.Order); next++ {
		u := t.Order[next]
		m := p.Members[u]
		if !p.takesTurnIn(r, k, m) || u == done || r.hasSpoken(u) {
			continue
		}
		if _, held := t.Held[u]; held {
			b.event(&TurnPlaced{Round: r.N, Group: k, User: u})
			// The text is never posted here: a reply in the chat was read
			// already, and a private answer goes only into the summary,
			// which a facilitator reads first.
			placed := MsgTurnPlaced
			if t.Shown[u] {
				placed = MsgTurnPlacedShown
			}
			b.send(Message{To: ToChat(chat), Lines: []Line{L(placed, "name", m.Name)}})
			b.send(Message{To: ToUser(u), Lines: []Line{L(MsgTurnPlacedShownYou, "n", r.N, "kind", r.Def.Title)}})
			continue
		}
		break
	}
	b.event(&TurnMoved{Round: r.N, Group: k, Pos: next, Since: env.Now})
	var speaker UserID
	if next < len(t.Order) {
		speaker = t.Order[next]
	}
	p.announceTurn(b, r, k, speaker, Line{}, env)
}

// announceTurn tells the chat whose turn it is now (speaker; "" when
// everyone had a turn), and the speaker privately.
func (p *Process) announceTurn(b *builder, r *Round, k GroupID, speaker UserID, why Line, env Env) {
	chat := p.turnChat(r, k)
	var lines []Line
	if why.Key != "" {
		lines = append(lines, why)
	}
	if speaker == "" {
		lines = append(lines, L(MsgTurnsDone, "n", r.N))
	} else {
		lines = append(lines, L(MsgTurnNow, "name", p.Members[speaker].Name, "n", r.N))
		b.send(Message{To: ToUser(speaker), Lines: []Line{L(MsgTurnYours, "n", r.N, "kind", r.Def.Title)}})
	}
	b.send(Message{To: ToChat(chat), Lines: lines})
	n := r.N
	b.sendAfter(func(q *Process) []Message { return []Message{q.roundMessage(q.Round(n), chat, env, true)} })
}

// tellSpeakers tells whoever holds the talking piece in each chat of r,
// privately, that it is their turn (a round opened or reopened).
func (p *Process) tellSpeakers(b *builder, r *Round) {
	for _, k := range sortedKeys(r.Turns) {
		if u := r.Turns[k].Current(); u != "" {
			b.send(Message{To: ToUser(u), Lines: []Line{L(MsgTurnYours, "n", r.N, "kind", r.Def.Title)}})
		}
	}
}

func (p *Process) turnChat(r *Round, k GroupID) ChatID {
	if r.Joint {
		return p.Joint
	}
	return p.Group(k).Chat
}

// turnOf returns the talking piece of m's chat in r (nil without turn mode).
func (p *Process) turnOf(r *Round, m *Member) (*TurnState, GroupID) {
	if !r.Def.Turns || r.Turns == nil {
		return nil, ""
	}
	k := turnKey(r, m.Group)
	return r.Turns[k], k
}

// orderNames lists, by name, those after from who still get a turn.
func (p *Process) orderNames(r *Round, t *TurnState, from int) string {
	var names []string
	for _, u := range t.Order[min(from, len(t.Order)):] {
		if m := p.Members[u]; m != nil && !r.hasSpoken(u) && (!r.Joint || m.Joint) {
			names = append(names, m.Name)
		}
	}
	return strings.Join(names, ", ")
}

// turnDue is the time-out of each chat's current turn.
func (p *Process) turnDue(r *Round, env Env) []dueItem {
	timeout := time.Duration(r.Def.TurnTimeout)
	if !r.Def.Turns || timeout <= 0 {
		return nil
	}
	var items []dueItem
	for _, k := range sortedKeys(r.Turns) {
		t := r.Turns[k]
		if t.done() {
			continue
		}
		at := p.QuietHours().After(t.Since.Add(timeout), env.location(p.TimeZone()))
		items = append(items, dueItem{id: fmt.Sprintf("r%d:turn:%s:%d@%d", r.N, k, t.Pos, t.Since.Unix()), at: at, do: dueTurn, round: r.N, group: k})
	}
	return items
}

// SkipTurn is /skip: the facilitator passes the talking piece on.
type SkipTurn struct{ Actor Actor }

func (c SkipTurn) decide(p *Process, env Env) (*Decision, error) {
	r, k, t, err := p.turnHere(c.Actor)
	if err != nil {
		return nil, err
	}
	b := newBuilder(c.Actor.User, env)
	skipped := t.Current()
	name := p.Members[skipped].Name
	p.advanceTurn(b, r, k, skipped, L(MsgTurnSkipped, "name", name), env)
	b.send(Message{To: ToUser(skipped), Lines: []Line{L(MsgTurnSkippedMember, "n", r.N)}})
	b.reply(private(L(MsgTurnSkippedYou, "name", name)))
	return b.decision(), nil
}

// GiveTurn is /turn NAME (or as a reply): the facilitator gives the
// talking piece to someone, such as a member who was skipped.
type GiveTurn struct {
	Actor  Actor
	Target UserID
	Named  string
}

func (c GiveTurn) decide(p *Process, env Env) (*Decision, error) {
	r, k, t, err := p.turnHere(c.Actor)
	if err != nil && !(t != nil && t.done()) {
		return nil, err
	}
	target := c.Target
	if target == "" {
		target = p.memberNamed(k, c.Named, r)
	}
	m := p.Members[target]
	if m == nil || turnKey(r, m.Group) != k || (r.Joint && !m.Joint) {
		return nil, Refuse(ErrTurnWho)
	}
	if r.hasSpoken(target) {
		return nil, Refuse(ErrTurnSpoken, "name", m.Name)
	}
	if t.Current() == target {
		return replyOnly(private(L(MsgTurnGivenYou, "name", m.Name))), nil
	}
	b := newBuilder(c.Actor.User, env)
	b.event(&TurnGiven{Round: r.N, Group: k, User: target, Since: env.Now})
	if waiting := t.Current(); waiting != "" {
		b.send(Message{To: ToUser(waiting), Lines: []Line{L(MsgTurnDeferred, "n", r.N, "name", m.Name)}})
	}
	p.announceTurn(b, r, k, target, L(MsgTurnGiven, "name", m.Name), env)
	b.reply(private(L(MsgTurnGivenYou, "name", m.Name)))
	return b.decision(), nil
}

// memberNamed finds a participant of chat k by name.
func (p *Process) memberNamed(k GroupID, name string, r *Round) UserID {
	name = strings.TrimPrefix(strings.TrimSpace(name), "@")
	for _, m := range p.Participants(r) {
		if turnKey(r, m.Group) == k && strings.EqualFold(m.Name, name) {
			return m.User
		}
	}
	return ""
}

// turnHere finds the turn-mode round open in the facilitator's chat.
func (p *Process) turnHere(a Actor) (*Round, GroupID, *TurnState, error) {
	if err := requireFacilitator(p, a); err != nil {
		return nil, "", nil, err
	}
	if err := p.requireRunning(a.User); err != nil {
		return nil, "", nil, err
	}
	r := p.OpenRoundIn(a.Chat.ID)
	if r == nil || !r.Def.Turns {
		return nil, "", nil, Refuse(ErrNoTurnRound)
	}
	k := GroupID("joint")
	if g := p.GroupByChat(a.Chat.ID); g != nil {
		k = g.ID
	}
	t := r.Turns[k]
	if t == nil || t.done() {
		return r, k, t, Refuse(ErrTurnsDone, "n", r.N)
	}
	return r, k, t, nil
}

// TurnMoved moves the talking piece in a chat of a round.
type TurnMoved struct {
	Round int       `json:"round"`
	Group GroupID   `json:"group"`
	Pos   int       `json:"pos"`
	Since time.Time `json:"since"`
}

// TurnHeld keeps an answer given out of turn until its author's turn.
type TurnHeld struct {
	Round int     `json:"round"`
	Group GroupID `json:"group"`
	User  UserID  `json:"user"`
	Text  string  `json:"text"`
	Shown bool    `json:"shown,omitempty"`
}

// TurnPlaced places a held answer: its author's turn came.
type TurnPlaced struct {
	Round int     `json:"round"`
	Group GroupID `json:"group"`
	User  UserID  `json:"user"`
}

// TurnGiven gives the talking piece to User, now.
type TurnGiven struct {
	Round int       `json:"round"`
	Group GroupID   `json:"group"`
	User  UserID    `json:"user"`
	Since time.Time `json:"since"`
}

func (*TurnMoved) EventType() string  { return "turn_moved" }
func (*TurnHeld) EventType() string   { return "turn_held" }
func (*TurnPlaced) EventType() string { return "turn_placed" }
func (*TurnGiven) EventType() string  { return "turn_given" }

func (ev *TurnMoved) apply(p *Process, _ *Event) {
	t := p.Round(ev.Round).Turns[ev.Group]
	t.Pos, t.Since = ev.Pos, ev.Since
}

func (ev *TurnHeld) apply(p *Process, _ *Event) {
	t := p.Round(ev.Round).Turns[ev.Group]
	if t.Held == nil {
		t.Held = map[UserID]string{}
	}
	t.Held[ev.User] = ev.Text
	if ev.Shown {
		if t.Shown == nil {
			t.Shown = map[UserID]bool{}
		}
		t.Shown[ev.User] = true
	} else {
		delete(t.Shown, ev.User)
	}
	switch i := slices.Index(t.Order, ev.User); {
	case i < 0:
		t.Order = append(t.Order, ev.User) // joined after the round opened
	case i < t.Pos:
		// Their turn passed without a word (skipped, or timed out): they
		// speak next, after whoever has the turn now.
		t.Order = slices.Delete(t.Order, i, i+1)
		t.Pos--
		t.Order = slices.Insert(t.Order, t.Pos+1, ev.User)
	}
}

func (ev *TurnPlaced) apply(p *Process, e *Event) {
	r := p.Round(ev.Round)
	t := r.Turns[ev.Group]
	m := p.Members[ev.User]
	r.Answers[namedKey(ev.User)] = &Answer{Author: ev.User, Name: m.Name, Group: m.Group, Text: t.Held[ev.User], Level: AnonNone}
	delete(r.Passes, namedKey(ev.User))
	delete(t.Held, ev.User)
	delete(t.Shown, ev.User)
}

func (ev *TurnGiven) apply(p *Process, _ *Event) {
	t := p.Round(ev.Round).Turns[ev.Group]
	pos := t.Pos
	if i := slices.Index(t.Order, ev.User); i >= 0 {
		t.Order = slices.Delete(t.Order, i, i+1)
		if i < pos {
			pos-- // the order closed up in front of the current speaker
		}
	}
	pos = min(pos, len(t.Order))
	// The target speaks now; whoever had the turn speaks right after.
	t.Order = slices.Insert(t.Order, pos, ev.User)
	t.Pos, t.Since = pos, ev.Since
}

// turnLine says, under the round's message in chat, who has the talking
// piece and who follows.
func (p *Process) turnLine(r *Round, chat ChatID) Line {
	k := GroupID("joint")
	if g := p.GroupByChat(chat); g != nil {
		k = g.ID
	}
	t := r.Turns[k]
	if t == nil || t.done() {
		return L(MsgTurnOpenToAll)
	}
	name := ""
	if m := p.Members[t.Current()]; m != nil {
		name = m.Name
	}
	if rest := p.orderNames(r, t, t.Pos+1); rest != "" {
		return L(MsgTurnLineNext, "name", name, "next", rest)
	}
	return L(MsgTurnLine, "name", name)
}

// passTurnsOf moves the talking piece on from m wherever m holds it: m is
// leaving.
func (p *Process) passTurnsOf(b *builder, m *Member, env Env) {
	for _, r := range p.OpenRounds() {
		if t, k := p.turnOf(r, m); t != nil && t.Current() == m.User {
			p.advanceTurn(b, r, k, m.User, Line{}, env)
		}
	}
}

// placeHeld places, as the round closes, every answer still held for a
// turn that never came: what someone said is never lost. It returns the
// keys and groups of the placed answers, for the round's final tally.
func (p *Process) placeHeld(b *builder, r *Round) map[string]GroupID {
	placed := map[string]GroupID{}
	for _, k := range sortedKeys(r.Turns) {
		t := r.Turns[k]
		for _, u := range sortedKeys(t.Held) {
			m := p.Members[u]
			if !p.takesTurnIn(r, k, m) || r.hasSpoken(u) {
				continue
			}
			b.event(&TurnPlaced{Round: r.N, Group: k, User: u})
			placed[namedKey(u)] = m.Group
		}
	}
	return placed
}

// takesTurnIn reports whether m (nil: gone) still speaks in chat k of r:
// a member who moved to another group mid-round no longer does here.
func (p *Process) takesTurnIn(r *Round, k GroupID, m *Member) bool {
	switch {
	case m == nil:
		return false
	case r.Joint:
		return m.Joint
	}
	return m.Group == k
}

// heldBy reports whether u has an answer kept for their turn in r.
func (r *Round) heldBy(u UserID) bool {
	for _, t := range r.Turns {
		if _, ok := t.Held[u]; ok {
			return true
		}
	}
	return false
}

func dropHeld(t *TurnState, u UserID) {
	delete(t.Held, u)
	delete(t.Shown, u)
}

// joinTurns gives a member who joined during a turn round a place at the
// end of the order, and tells them.
func (p *Process) joinTurns(b *builder, m *Member, env Env) {
	for _, r := range p.OpenRounds() {
		if !r.Def.Turns || r.Joint || !slices.Contains(r.Groups, m.Group) {
			continue
		}
		t := r.Turns[m.Group]
		if t == nil || t.done() {
			b.send(Message{To: ToUser(m.User), Lines: []Line{L(MsgTurnJoinedOpen, "n", r.N, "kind", r.Def.Title)}})
			continue
		}
		b.event(&TurnJoined{Round: r.N, Group: m.Group, User: m.User})
		b.send(Message{To: ToUser(m.User), Lines: []Line{L(MsgTurnJoined, "n", r.N, "kind", r.Def.Title, "name", p.Members[t.Current()].Name)}})
		n, chat := r.N, p.Group(m.Group).Chat
		b.sendAfter(func(q *Process) []Message { return []Message{q.roundMessage(q.Round(n), chat, env, true)} })
	}
}

// TurnHeldWithdrawn takes back an answer kept for one's turn.
type TurnHeldWithdrawn struct {
	Round int     `json:"round"`
	Group GroupID `json:"group"`
	User  UserID  `json:"user"`
}

// TurnJoined puts a member who joined during the round at the end of the order.
type TurnJoined struct {
	Round int     `json:"round"`
	Group GroupID `json:"group"`
	User  UserID  `json:"user"`
}

func (*TurnHeldWithdrawn) EventType() string { return "turn_held_withdrawn" }
func (*TurnJoined) EventType() string        { return "turn_joined" }

func (ev *TurnHeldWithdrawn) apply(p *Process, _ *Event) {
	dropHeld(p.Round(ev.Round).Turns[ev.Group], ev.User)
}

func (ev *TurnJoined) apply(p *Process, _ *Event) {
	t := p.Round(ev.Round).Turns[ev.Group]
	if !slices.Contains(t.Order, ev.User) {
		t.Order = append(t.Order, ev.User)
	}
}
