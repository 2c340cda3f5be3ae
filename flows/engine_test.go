package flows

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func testEnv(now time.Time) Env {
	return Env{
		Now:  now,
		Seed: 7,
		Pseudonym: func(parts ...string) string {
			m := hmac.New(sha256.New, []byte("test-secret"))
			m.Write([]byte(strings.Join(parts, "\x00")))
			return hex.EncodeToString(m.Sum(nil)[:8])
		},
		ValidZone: func(z string) bool { _, err := time.LoadLocation(z); return err == nil && z != "" },
		Location: func(z string) *time.Location {
			l, err := time.LoadLocation(z)
			if err != nil {
				return nil
			}
			return l
		},
		Templates: BuiltinTemplates(nil),
	}
}

func actor(u, chat string, private bool) Actor {
	return Actor{User: UserID(u), Name: strings.ToUpper(u[:1]) + u[1:], Chat: Chat{ID: ChatID(chat), Private: private}}
}

var keyN int

// must executes cmd and fails the test on an error.
func must(t *testing.T, p *Process, cmd Command) *Decision {
	t.Helper()
	keyN++
	d, err := Execute(p, cmd, testEnv(t0), "k"+string(rune('a'+keyN%26))+strings.Repeat("x", keyN/26))
	if err != nil {
		t.Fatalf("%T: %v", cmd, err)
	}
	return d
}

// fixture is a process with two groups (a: ann, bob; b: cas), a joint chat
// and facilitator fay.
func fixture(t *testing.T) *Process {
	t.Helper()
	p := &Process{}
	must(t, p, Create{Actor: actor("fay", "fay", true), ID: "P1", Title: "Test", Template: BuiltinTemplates(nil)[DefaultTemplate]})
	must(t, p, Link{Actor: actor("fay", "ga", false), Name: "Groep A"})
	must(t, p, Link{Actor: actor("fay", "gb", false), Name: "Groep B"})
	must(t, p, Link{Actor: actor("fay", "joint", false), Name: "joint"})
	must(t, p, AcceptRules{Actor: actor("ann", "ga", false), Group: "g1"})
	must(t, p, AcceptRules{Actor: actor("bob", "ga", false), Group: "g1"})
	must(t, p, AcceptRules{Actor: actor("cas", "gb", false), Group: "g2"})
	return p
}

func TestRejectionsChangeNothing(t *testing.T) {
	withRound := func(t *testing.T) *Process {
		p := fixture(t)
		must(t, p, OpenRound{Actor: actor("fay", "ga", false), Kind: "concerns", Scope: ScopeAll})
		return p
	}
	tests := []struct {
		name  string
		setup func(*testing.T) *Process
		cmd   Command
		want  MsgKey
	}{
		{"participant opens a round", fixture, OpenRound{Actor: actor("ann", "ga", false), Kind: "intro"}, ErrFacilitatorsOnly},
		{"unknown kind", fixture, OpenRound{Actor: actor("fay", "ga", false), Kind: "gossip"}, ErrUnknownKind},
		{"round without kind", fixture, OpenRound{Actor: actor("fay", "ga", false)}, ErrRoundNeedsKind},
		{"scope here in a private chat", fixture, OpenRound{Actor: actor("fay", "fay", true), Kind: "intro", Scope: ScopeHere}, ErrScopeNeeded},
		{"second round in the same chat", withRound, OpenRound{Actor: actor("fay", "ga", false), Kind: "intro"}, ErrRoundStillOpen},
		{"next with a round open", withRound, Next{Actor: actor("fay", "fay", true)}, ErrRoundStillOpen},
		{"link from a private chat", fixture, Link{Actor: actor("fay", "fay", true), Name: "C"}, ErrLinkInGroup},
		{"link without name", fixture, Link{Actor: actor("fay", "gc", false)}, ErrLinkNeedsName},
		{"group name taken", fixture, Link{Actor: actor("fay", "gc", false), Name: "groep a"}, ErrGroupNameTaken},
		{"second joint chat", fixture, Link{Actor: actor("fay", "j2", false), Name: "joint"}, ErrJointExists},
		{"participant links", fixture, Link{Actor: actor("ann", "gc", false), Name: "C"}, ErrFacilitatorsOnly},
		{"facilitator joins", fixture, AcceptRules{Actor: actor("fay", "ga", false), Group: "g1"}, ErrFacilitatorJoins},
		{"member joins a second group", fixture, AcceptRules{Actor: actor("ann", "gb", false), Group: "g2"}, ErrOtherGroup},
		{"join button of an unknown group", fixture, AcceptRules{Actor: actor("dan", "ga", false), Group: "g9"}, ErrButtonExpired},
		{"join in the joint chat before a group", fixture, Join{Actor: actor("dan", "joint", false)}, ErrJointNeedsGroup},
		{"answer without joining", withRound, GiveAnswer{Actor: actor("dan", "ga", false), Text: "hallo"}, ErrJoinFirst},
		{"facilitator answers", withRound, GiveAnswer{Actor: actor("fay", "ga", false), Text: "hallo"}, ErrFacilitatorAnswers},
		{"empty answer", withRound, GiveAnswer{Actor: actor("ann", "ga", false), Text: "  "}, ErrEmptyAnswer},
		{"answer too long", withRound, GiveAnswer{Actor: actor("ann", "ga", false), Text: strings.Repeat("a", MaxAnswerRunes+1)}, ErrAnswerTooLong},
		{"anonymous answer in the group chat", withRound, GiveAnswer{Actor: actor("ann", "ga", false), Text: "x", Anonymous: true}, ErrAnswerPrivately},
		{"answer where no round is open", fixture, GiveAnswer{Actor: actor("ann", "ga", false), Text: "x"}, ErrNoOpenRoundHere},
		{"answer to a closed round", func(t *testing.T) *Process {
			p := withRound(t)
			must(t, p, Close{Actor: actor("fay", "ga", false)})
			return p
		}, GiveAnswer{Actor: actor("ann", "ann", true), Round: 1, Text: "te laat"}, ErrRoundClosedAlready},
		{"participant closes", withRound, Close{Actor: actor("ann", "ga", false)}, ErrFacilitatorsOnly},
		{"close with nothing open", fixture, Close{Actor: actor("fay", "ga", false)}, ErrNoOpenRound},
		{"approve an open round", withRound, Approve{Actor: actor("fay", "fay", true), Round: 1}, ErrRoundNotClosed},
		{"participant approves", withRound, Approve{Actor: actor("ann", "ann", true), Round: 1}, ErrFacilitatorsOnly},
		{"set unknown key", fixture, ChangeSetting{Actor: actor("fay", "fay", true), Key: "colour", Value: "blue"}, ErrSetUnknownKey},
		{"set bad quorum", fixture, ChangeSetting{Actor: actor("fay", "fay", true), Key: "quorum", Value: "lots"}, ErrSetQuorum},
		{"set bad time zone", fixture, ChangeSetting{Actor: actor("fay", "fay", true), Key: "timezone", Value: "Mars/Olympus"}, ErrSetTimeZone},
		{"set without value", fixture, ChangeSetting{Actor: actor("fay", "fay", true), Key: "kaders"}, ErrSetNeedsValue},
		{"participant sets", fixture, ChangeSetting{Actor: actor("ann", "ga", false), Key: "tone", Value: "u"}, ErrFacilitatorsOnly},
		{"template after start", withRound, ChooseTemplate{Actor: actor("fay", "fay", true), Name: "kort"}, ErrTemplateAfterStart},
		{"unknown template", fixture, ChooseTemplate{Actor: actor("fay", "fay", true), Name: "lang"}, ErrUnknownTemplate},
		{"claim a wrong code", fixture, Claim{Actor: actor("gus", "gus", true), Code: "AAAA-BBBB"}, ErrCodeInvalid},
		{"leave without membership", fixture, Leave{Actor: actor("dan", "ga", false)}, ErrNotMember},
		{"rename to nothing", fixture, Rename{Actor: actor("ann", "ga", false), Name: " \n "}, ErrNameNeeded},
		{"rounds need two groups", func(t *testing.T) *Process {
			p := &Process{}
			must(t, p, Create{Actor: actor("fay", "fay", true), ID: "P2", Title: "Een", Template: BuiltinTemplates(nil)[DefaultTemplate]})
			must(t, p, Link{Actor: actor("fay", "ga", false), Name: "A"})
			return p
		}, OpenRound{Actor: actor("fay", "ga", false), Kind: "intro"}, ErrNeedTwoGroups},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.setup(t)
			before, err := EncodeSnapshot(p)
			if err != nil {
				t.Fatal(err)
			}
			version := p.Version
			d, err := Execute(p, tt.cmd, testEnv(t0), "reject")
			ue, ok := AsUserError(err)
			if !ok {
				t.Fatalf("got decision %+v, err %v; want the user error %s", d, err, tt.want)
			}
			if ue.Line.Key != tt.want {
				t.Errorf("got %s, want %s", ue.Line.Key, tt.want)
			}
			if p.Version != version {
				t.Errorf("version %d after the rejection, want %d", p.Version, version)
			}
			after, _ := EncodeSnapshot(p)
			if string(after) != string(before) {
				t.Errorf("the state changed although the action was refused")
			}
		})
	}
}

func TestAnswerLifecycle(t *testing.T) {
	p := fixture(t)
	env := testEnv(t0)
	must(t, p, OpenRound{Actor: actor("fay", "ga", false), Kind: "concerns", Scope: ScopeAll})
	r := p.Round(1)
	progress := func() Progress { return p.Progress(r, env)[0] }
	must(t, p, GiveAnswer{Actor: actor("ann", "ga", false), Text: "eerste"})
	must(t, p, GiveAnswer{Actor: actor("ann", "ga", false), Text: "tweede"})
	if got := progress(); got.Answered != 1 || got.Members != 2 {
		t.Fatalf("after an edit: %+v, want 1 of 2 answered", got)
	}
	if a := r.Answers[namedKey("ann")]; a.Text != "tweede" || !a.Edited {
		t.Errorf("edited answer %+v", a)
	}
	// In a round that offers anonymity a pass is pseudonymous, so it cannot
	// replace a named answer in one step.
	if _, err := Execute(p, Pass{Actor: actor("ann", "ga", false)}, env, "p1"); err == nil {
		t.Fatal("a pseudonymous pass replaced a named answer in one event")
	}
	must(t, p, Withdraw{Actor: actor("ann", "ann", true), Round: 1})
	d := must(t, p, Pass{Actor: actor("ann", "ga", false)})
	if !d.Anonymous || d.Events[0].Actor != "" {
		t.Errorf("a pass in a round with anonymity was recorded with its actor: %+v", d.Events[0])
	}
	if got := progress(); got.Answered != 0 || got.Passed != 1 {
		t.Errorf("after passing: %+v, want 0 answered, 1 passed", got)
	}
	// Pass, then answer anonymously: one anonymous event replaces the pass.
	d = must(t, p, GiveAnswer{Actor: actor("ann", "ann", true), Round: 1, Text: "toch iets", Anonymous: true})
	if len(d.Events) != 1 || !d.Anonymous {
		t.Errorf("pass → anonymous answer took %d events (anonymous=%v)", len(d.Events), d.Anonymous)
	}
	if got := progress(); got.Answered != 1 || got.Passed != 0 {
		t.Errorf("after answering over a pass: %+v, want 1 answered, 0 passed", got)
	}
	must(t, p, Withdraw{Actor: actor("ann", "ann", true), Round: 1})
	must(t, p, Pass{Actor: actor("ann", "ga", false)})
	// Pass, then answer by name: the named answer counts, the pseudonymous
	// pass no longer does (it could not be cleared without tying the two).
	must(t, p, GiveAnswer{Actor: actor("ann", "ga", false), Text: "met naam"})
	if got := progress(); got.Answered != 1 || got.Passed != 0 {
		t.Errorf("after a named answer over a pass: %+v, want 1 answered, 0 passed", got)
	}
	must(t, p, Withdraw{Actor: actor("ann", "ann", true), Round: 1})
	if got := progress(); got.Answered != 0 || got.Passed != 1 {
		t.Errorf("after withdrawing the named answer: %+v, want the pass back", got)
	}
	must(t, p, StartPrivateAnswer{Actor: actor("bob", "ga", false), Round: 1, Anonymous: true})
	d = must(t, p, GiveAnswer{Actor: actor("bob", "bob", true), Round: 1, Text: "anoniem", Anonymous: true})
	if !d.Anonymous || d.Events[0].Actor != "" || !d.Events[0].At.IsZero() || d.Reply.To != (Dest{}) {
		t.Errorf("anonymous answer decision %+v leaves a trace", d)
	}
	if got := progress(); got.Answered != 1 || got.Passed != 1 {
		t.Errorf("after an anonymous answer: %+v", got)
	}
	if _, err := Execute(p, GiveAnswer{Actor: actor("bob", "ga", false), Text: "met naam"}, env, "x1"); err == nil {
		t.Error("a named answer over an anonymous one was accepted in one step")
	}
	must(t, p, Withdraw{Actor: actor("bob", "bob", true), Round: 1})
	if got := progress(); got.Answered != 0 {
		t.Errorf("after withdrawing: %+v", got)
	}
	// Leaving: the member no longer counts, and their answer no longer
	// counts either, without the log saying which anonymous answer was theirs.
	must(t, p, StartPrivateAnswer{Actor: actor("bob", "ga", false), Round: 1, Anonymous: true})
	must(t, p, GiveAnswer{Actor: actor("bob", "bob", true), Round: 1, Text: "nog eens", Anonymous: true})
	d = must(t, p, Leave{Actor: actor("bob", "ga", false)})
	if ev := d.Events[0].Data.(*MemberLeft); ev.User != "bob" {
		t.Fatalf("leave event %+v", ev)
	}
	if got := progress(); got.Members != 1 || got.Answered != 0 || got.Passed != 1 {
		t.Errorf("after bob left: %+v, want 1 member, 0 answered, 1 passed", got)
	}
	if n := len(p.Answers(r, env)); n != 0 {
		t.Errorf("%d answers still count after their authors left or passed", n)
	}
}

func TestTimersFireInOrderAndOnce(t *testing.T) {
	p := fixture(t)
	must(t, p, ChangeSetting{Actor: actor("fay", "fay", true), Key: "quiet_hours", Value: "off"})
	must(t, p, OpenRound{Actor: actor("fay", "ga", false), Kind: "concerns", Scope: ScopeAll}) // 72h, reminders 24h and 48h
	if got, want := p.NextDue(testEnv(t0)), t0.Add(24*time.Hour); !got.Equal(want) {
		t.Fatalf("next due %v, want %v", got, want)
	}
	if _, ok := p.Due(testEnv(t0.Add(23 * time.Hour))); ok {
		t.Fatal("something due before the first reminder")
	}
	// The bot was down for two days: one reminder, the latest, not two.
	late := testEnv(t0.Add(50 * time.Hour))
	id, ok := p.Due(late)
	if !ok || !strings.HasPrefix(id, "r1:remind1@") {
		t.Fatalf("due %q %v", id, ok)
	}
	d, err := Execute(p, Tick{}, late, "timer:"+id)
	if err != nil {
		t.Fatal(err)
	}
	if r := p.Round(1); r.RemindersSent != 2 {
		t.Errorf("reminders sent %d, want 2 (the missed one is skipped)", r.RemindersSent)
	}
	nudges := 0
	for _, m := range d.Messages {
		if m.To.User != "" {
			nudges++
		}
	}
	if nudges != 3 {
		t.Errorf("%d private nudges, want 3 (everyone is waiting)", nudges)
	}
	if id, ok := p.Due(late); ok {
		t.Errorf("still due after the reminder: %s", id)
	}
	end := testEnv(t0.Add(72 * time.Hour))
	id, _ = p.Due(end)
	if !strings.HasPrefix(id, "r1:close@") {
		t.Fatalf("due at the deadline: %q", id)
	}
	must(t, p, Tick{})
	_, _ = Execute(p, Tick{}, end, "timer:"+id)
	if p.Round(1).Open() || p.Round(1).CloseReason != ClosedAtDeadline {
		t.Errorf("round not closed at its deadline: %+v", p.Round(1))
	}
	if !p.NextDue(end).IsZero() {
		t.Errorf("something still scheduled after the only round closed")
	}
}

func TestQuietHoursPostponeReminders(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	q, err := ParseQuietHours("22:00-08:00")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want time.Time }{
		{time.Date(2026, 3, 2, 23, 30, 0, 0, ams), time.Date(2026, 3, 3, 8, 0, 0, 0, ams)},
		{time.Date(2026, 3, 3, 6, 0, 0, 0, ams), time.Date(2026, 3, 3, 8, 0, 0, 0, ams)},
		{time.Date(2026, 3, 3, 12, 0, 0, 0, ams), time.Date(2026, 3, 3, 12, 0, 0, 0, ams)},
		{time.Date(2026, 3, 28, 23, 0, 0, 0, ams), time.Date(2026, 3, 29, 8, 0, 0, 0, ams)}, // the night the clocks change
	}
	for _, tt := range tests {
		if got := q.After(tt.in, ams); !got.Equal(tt.want) {
			t.Errorf("After(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSnapshotEqualsFold(t *testing.T) {
	p := fixture(t)
	must(t, p, OpenRound{Actor: actor("fay", "ga", false), Kind: "concerns", Scope: ScopeAll})
	must(t, p, GiveAnswer{Actor: actor("ann", "ga", false), Text: "ja"})
	must(t, p, Pass{Actor: actor("cas", "gb", false)})
	snap, err := EncodeSnapshot(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := DecodeSnapshot(snap)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := EncodeSnapshot(q)
	if string(again) != string(snap) {
		t.Fatalf("a decoded snapshot encodes differently")
	}
	// The decoded state takes further events like the original.
	must(t, q, GiveAnswer{Actor: actor("bob", "ga", false), Text: "ook"})
	must(t, p, GiveAnswer{Actor: actor("bob", "ga", false), Text: "ook"})
	a, _ := EncodeSnapshot(p)
	b, _ := EncodeSnapshot(q)
	if string(a) != string(b) {
		t.Errorf("state from a snapshot diverged from the fold")
	}
}

func TestUnknownEventTypeIsAnError(t *testing.T) {
	var e Event
	err := e.UnmarshalJSON([]byte(`{"v":1,"key":"k","type":"teleported","data":{}}`))
	if err == nil || !strings.Contains(err.Error(), "teleported") {
		t.Fatalf("got %v", err)
	}
	if errors.Is(err, ErrNotFound) {
		t.Fatal("unexpected sentinel")
	}
}

// A member who moves to another group mid-round counts in the group they are
// in now: their answer, given in the old group, no longer counts there.
func TestMovingGroupMidRound(t *testing.T) {
	p := fixture(t)
	env := testEnv(t0)
	must(t, p, OpenRound{Actor: actor("fay", "ga", false), Kind: "intro", Scope: ScopeAll})
	must(t, p, GiveAnswer{Actor: actor("ann", "ga", false), Text: "Ann uit A"})
	must(t, p, Leave{Actor: actor("ann", "ga", false)})
	must(t, p, AcceptRules{Actor: actor("ann", "gb", false), Group: "g2"})
	got := p.Progress(p.Round(1), env)
	want := []Progress{{Group: "g1", Members: 1}, {Group: "g2", Members: 2}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("progress %+v, want %+v", got, want)
	}
	for _, line := range p.summary(p.Round(1), env) {
		if line.Params["text"].Text == "Ann uit A" {
			t.Errorf("the summary still shows the answer given in the group she left")
		}
	}
}
