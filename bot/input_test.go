package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/samen-bot/samen/flows"
)

// text is a catalog line as the bot renders it in Dutch.
func (h *harness) text(key flows.MsgKey, params ...any) string {
	return h.bot.Renderer().Line(flows.L(key, params...), "nl").Plain()
}

// flushIDs sends what is queued and returns the platform id each new
// message got, by its chat and text ("t:a Ronde 1 …").
func (h *harness) flushIDs() map[string]string {
	h.t.Helper()
	h.out.mu.Lock()
	next := h.out.nextID
	h.out.mu.Unlock()
	ids := map[string]string{}
	for _, m := range h.flush() {
		if m.EditID == "" {
			next++
			ids[m.Chat+m.User+" "+m.Text.Plain()] = fmt.Sprint(next)
		}
	}
	return ids
}

// idOf is the id of the message in chat (a harness chat name) whose text
// contains chatText. The same round's message goes to several chats.
func (h *harness) idOf(ids map[string]string, chat, chatText string) string {
	h.t.Helper()
	for text, id := range ids {
		if strings.HasPrefix(text, "t:"+chat+" ") && strings.Contains(text, chatText) {
			return id
		}
	}
	h.t.Fatalf("no message containing %q", chatText)
	return ""
}

// answers are the texts of round n's answers in the log, in order.
func (h *harness) answers(n int) []string {
	h.t.Helper()
	p, err := h.bot.load(context.Background(), h.code)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, a := range p.Round(n).Answers {
		out = append(out, a.Text)
	}
	return out
}

// TestDuplicatesAndOrder: the same update delivered twice, a button pressed
// twice quickly, an earlier update delivered after a later one, and an edit
// of an answer after its round closed. Each step states exactly how many
// events it stores and what it answers.
func TestDuplicatesAndOrder(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	round := h.idOf(h.flushIDs(), "a", "Ronde 1")
	answer := func(user, text string) *Update {
		u := h.update(user, chat("a"), text)
		u.ReplyToBot, u.ReplyToMessage = true, round
		return u
	}
	first := answer("ann", "Eerste versie")
	second := answer("ann", "Tweede versie")
	edit := answer("ann", "Na het sluiten")
	edit.Edited = true
	joinAgain := h.update("ann", chat("a"), "")
	joinAgain.Button = &flows.Intent{Do: flows.DoJoin, Process: h.code, Group: "g1"}
	vote := func(user string) *Update {
		u := h.update(user, chat("a"), "")
		u.Button = &flows.Intent{Do: flows.DoVote, Process: h.code, N: 2, Arg: "consent"}
		return u
	}
	bobVote, bobVoteAgain := vote("bob"), vote("bob")
	redelivered := func(u *Update) func() *Update { return func() *Update { c := *u; return &c } }
	same := func(u *Update) func() *Update { return func() *Update { return u } }

	var replies = map[*Update]string{}
	steps := []struct {
		name    string
		before  func()
		u       func() *Update
		events  int64
		reply   string // the reply; "=" for the same reply as the first time
		answers []string
	}{
		{name: "an answer", u: same(first), events: 1, reply: "ontvangen", answers: []string{"Eerste versie"}},
		{name: "the same answer delivered again", u: redelivered(first), reply: "=", answers: []string{"Eerste versie"}},
		{name: "a changed answer", u: same(second), events: 1, reply: "is bijgewerkt", answers: []string{"Tweede versie"}},
		{name: "the first answer delivered late, after the change", u: redelivered(first), reply: "=", answers: []string{"Tweede versie"}},
		{name: "the join button pressed again", u: same(joinAgain), reply: "Ann"},
		{name: "an edit after the round closed", before: func() { h.say("fay", chat("a"), "/close 1") },
			u: same(edit), reply: "Ronde 1 (Zorgen en ervaringen delen) is al gesloten; je antwoord is niet opgeslagen.", answers: []string{"Tweede versie"}},
		{name: "a consent press", before: func() {
			h.say("fay", private("fay"), "/propose Een buurtbus op zaterdag")
			h.say("fay", private("fay"), "/consent 1")
		}, u: same(bobVote), events: 1, reply: "Genoteerd: Ik stem in. Veranderen kan zolang de ronde loopt."},
		// A redelivered update whose effect is in the log already stores
		// nothing; when it would change nothing either, its reply is the
		// engine's answer now, not the stored one.
		{name: "the same press delivered again", u: redelivered(bobVote), reply: "Dat had je al gekozen: Ik stem in."},
		{name: "the button pressed twice quickly", u: same(bobVoteAgain), reply: "Dat had je al gekozen: Ik stem in."},
	}
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		v := h.version()
		u := s.u()
		r := h.handle(u)
		got := ""
		if r != nil {
			got = r.Text.Plain()
		}
		switch prev, seen := replies[u]; {
		case s.reply == "=":
			for k, p := range replies {
				if k.Key == u.Key {
					prev, seen = p, true
				}
			}
			if !seen || got != prev {
				t.Errorf("%s: reply %q, want the first reply %q", s.name, got, prev)
			}
		case !strings.Contains(got, s.reply):
			t.Errorf("%s: reply %q, want one containing %q", s.name, got, s.reply)
		}
		replies[u] = got
		if d := h.version() - v; d != s.events {
			t.Errorf("%s: %d events stored, want %d", s.name, d, s.events)
		}
		if s.answers != nil {
			if got := h.answers(1); strings.Join(got, "|") != strings.Join(s.answers, "|") {
				t.Errorf("%s: answers %q, want %q", s.name, got, s.answers)
			}
		}
	}
}

// TestBadInputChangesNothing: each bad input gets a kind, clear reply and
// leaves the process's log as it was.
func TestBadInputChangesNothing(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	round := h.idOf(h.flushIDs(), "a", "Ronde 1")
	// A second process, of another facilitator, with its own member.
	h.say("gus", private("gus"), "/new Ander proces")
	other, _ := h.bot.CurrentProcess(context.Background(), "t:gus")
	h.say("gus", chat("z"), "/link "+other+" Groep Z")
	h.press("dan", chat("z"), flows.Intent{Do: flows.DoJoin, Process: other, Group: "g1"})
	h.say("gus", chat("z"), "/round concerns all")

	answer := func(user, text string) *Update {
		u := h.update(user, chat("a"), text)
		u.ReplyToBot, u.ReplyToMessage = true, round
		return u
	}
	button := func(user, c string, intent flows.Intent) *Update {
		u := h.update(user, chat(c), "")
		u.Button = &intent
		return u
	}
	long := strings.Repeat("lang ", 801)
	tests := []struct {
		name string
		u    *Update
		want string
	}{
		{"an overlong answer", answer("ann", long), h.text(flows.ErrAnswerTooLong, "max", flows.MaxAnswerRunes, "length", len([]rune(strings.TrimSpace(long))))},
		{"an answer of control characters", answer("ann", "\x00\x07\x1b\r\n"), h.text(flows.ErrEmptyAnswer)},
		{"an answer of invisible characters", answer("ann", "\u200e\u200b\u2066\ufeff"), h.text(flows.ErrEmptyAnswer)},
		{"a name that is a bidi override", h.update("ann", private("ann"), "/name \u202e"), h.text(flows.ErrNameNeeded, "max", 40)},
		{"a name of a left-to-right mark", h.update("ann", private("ann"), "/name \u200e"), h.text(flows.ErrNameNeeded, "max", 40)},
		{"an overlong name", h.update("ann", private("ann"), "/name "+strings.Repeat("A", 41)), h.text(flows.ErrNameTooLong, "max", 40)},
		{"a name passing for the facilitator, hidden by a zero-width space", h.update("ann", private("ann"), "/name \u200bFay"), h.text(flows.ErrNameTaken, "name", "Fay")},
		{"a forged button", button("ann", "a", flows.Intent{Do: "teleport", Process: h.code}), h.text(flows.ErrButtonExpired)},
		{"a button of another group replayed", button("cas", "b", flows.Intent{Do: flows.DoJoin, Process: h.code, Group: "g1"}), h.text(flows.ErrOtherGroup, "group", "Groep B")},
		{"a button of a round that does not exist", button("ann", "a", flows.Intent{Do: flows.DoPass, Process: h.code, N: 9}), h.text(flows.ErrButtonExpired)},
		{"a command in an unlinked chat", h.update("fay", chat("y"), "/round concerns all"), h.text(flows.ErrNoProcessHere)},
		{"a participant of A answering in B", button("ann", "a", flows.Intent{Do: flows.DoAnswer, Process: other, N: 1}), h.text(flows.ErrButtonExpired)},
		{"a participant of A passing in B", button("ann", "z", flows.Intent{Do: flows.DoPass, Process: other, N: 1}), h.text(flows.ErrButtonExpired)},
		{"a facilitator of A closing B's round", h.update("fay", chat("z"), "/close 1"), h.text(flows.ErrFacilitatorsOnly)},
		{"a participant closing a round", h.update("ann", chat("a"), "/close 1"), h.text(flows.ErrFacilitatorsOnly)},
		{"a participant proposing", h.update("ann", private("ann"), "/propose Alles anders"), h.text(flows.ErrDraftersOnly)},
		{"a participant changing a setting", h.update("ann", private("ann"), "/set quiet_hours off"), h.text(flows.ErrFacilitatorsOnly)},
		{"a participant linking a chat", h.update("ann", chat("x"), "/link "+h.code+" Groep X"), h.text(flows.ErrFacilitatorsOnly)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := h.version()
			hist, err := h.store.Load(context.Background(), other)
			if err != nil {
				t.Fatal(err)
			}
			r := h.handle(tt.u)
			if r == nil || r.Text.Plain() != tt.want {
				got := "no reply"
				if r != nil {
					got = r.Text.Plain()
				}
				t.Errorf("reply %q, want %q", got, tt.want)
			}
			if got := h.version(); got != v {
				t.Errorf("version %d after bad input, want %d", got, v)
			}
			if again, _ := h.store.Load(context.Background(), other); again.Version != hist.Version {
				t.Errorf("the other process went from version %d to %d", hist.Version, again.Version)
			}
		})
	}
}
