package discord

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/discord/discordtest"
	"github.com/samen-bot/samen/flows"
)

// twoGroups is a process with two linked channels, Ann and Bob in the
// first, Cas in the second, and a concerns round open in both.
type twoGroups struct {
	*harness
	fay, ann, bob, cas discordtest.User
	code               string
	guild              string
	buren, ondern      string // the groups' channels
}

func newTwoGroups(t *testing.T, opts harnessOptions) *twoGroups {
	t.Helper()
	return twoGroupsOn(t, newHarness(t, opts))
}

// twoGroupsOn is newTwoGroups on a harness the test built.
func twoGroupsOn(t *testing.T, h *harness) *twoGroups {
	t.Helper()
	s := linkedTwo(t, h)
	h.command(s.fay, s.buren, "round", text("kind", "concerns"), text("scope", "all"))
	h.find(s.buren, "Ronde 1")
	return s
}

// linkedTwo is twoGroups without the round: a process with two linked
// channels, Ann and Bob in the first, Cas in the second.
func linkedTwo(t *testing.T, h *harness) *twoGroups {
	t.Helper()
	s := &twoGroups{harness: h, fay: h.fake.AddUser("Fay", "nl"), ann: h.fake.AddUser("Ann", "nl"), bob: h.fake.AddUser("Bob", "nl"), cas: h.fake.AddUser("Cas", "nl")}
	s.code = h.newProcess(s.fay, "Parkeren")
	s.guild = h.fake.AddGuild("Wijk")
	s.buren, s.ondern = h.fake.AddChannel(s.guild, "buren"), h.fake.AddChannel(s.guild, "ondernemers")
	h.command(s.fay, s.buren, "link", text("code", s.code), text("group", "Buren"))
	h.command(s.fay, s.ondern, "link", text("code", s.code), text("group", "Ondernemers"))
	for _, j := range []struct {
		u       discordtest.User
		channel string
	}{{s.ann, s.buren}, {s.bob, s.buren}, {s.cas, s.ondern}} {
		h.press(j.u, j.channel, "Ik stem in en doe mee")
	}
	return s
}

// answered is how many have answered round 1 in a channel, from the
// round's live progress line.
func (s *twoGroups) progress(channel string) string {
	s.t.Helper()
	m := s.find(channel, "Ronde 1 · ")
	lines := strings.Split(shown(m.Content), "\n")
	return lines[len(lines)-1]
}

// version is the process's log version.
func (s *twoGroups) version() int64 {
	s.t.Helper()
	hist, err := s.store.Load(s.ctx, s.code)
	if err != nil {
		s.t.Fatal(err)
	}
	return hist.Version
}

// A dropped gateway connection is resumed, and an answer given while the
// bot was away (Discord keeps it for the resumed session) is recorded and
// acknowledged.
func TestGatewayDropMidRoundLosesNoAnswer(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	form := s.press(s.ann, s.buren, "Privé antwoorden")
	identifies := s.fake.Identifies()

	s.fake.Drop()
	submitted := s.fake.Submit(s.ann, s.buren, form.Modal.CustomID, "Er is 's avonds geen plek meer.")
	s.fake.WaitConnected(t)
	reply := s.fake.WaitReply(t, submitted)
	s.flush()

	if !strings.Contains(shown(reply.Content), "je antwoord in ronde 1") || reply.Flags&64 == 0 {
		t.Errorf("the answer given during the outage was acknowledged with %q (flags %d)", reply.Content, reply.Flags)
	}
	if got := s.progress(s.buren); !strings.HasPrefix(got, "1 van 2") {
		t.Errorf("progress after the outage: %q, want 1 van 2", got)
	}
	if s.fake.Resumes() == 0 || s.fake.Identifies() != identifies {
		t.Errorf("after the drop: %d resumes, %d identifies (was %d); want a resume", s.fake.Resumes(), s.fake.Identifies(), identifies)
	}
}

// When the session cannot be resumed, Discord replays nothing: direct
// messages and replies to a round's message sent meanwhile are read from
// their channels after the new READY.
func TestNewSessionCatchesUpOnWhatWasSent(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	dm := s.fake.DMChannel(s.fay)
	before := len(s.fake.Messages(dm))
	round := s.find(s.buren, "Ronde 1 · ")

	s.fake.InvalidateSessions()
	s.fake.Drop()
	s.fake.DM(s.fay, "/status") // lost with the session
	s.fake.Reply(s.bob, s.buren, round.ID, "<@"+s.a.BotID()+"> Ook tijdens de storing.")
	s.fake.WaitConnected(t)
	s.fake.Wait(t, "the reply sent while the bot was away counted", func() bool {
		s.flush()
		return strings.HasPrefix(s.progress(s.buren), "1 van 2")
	})

	s.fake.Wait(t, "the answer to the direct message sent while the bot was away", func() bool {
		msgs := s.fake.Messages(dm)
		return len(msgs) > before+1 && strings.Contains(shown(msgs[len(msgs)-1].Content), "Parkeren")
	})
	if s.fake.Identifies() < 2 {
		t.Errorf("%d identifies; the invalidated session should have been replaced", s.fake.Identifies())
	}
	// Caught up once: a second new session does not answer it again.
	n := len(s.fake.Messages(dm))
	s.fake.InvalidateSessions()
	s.fake.Drop()
	s.fake.WaitConnected(t)
	s.dm(s.fay, "/help") // handled after any catching up
	if got := len(s.fake.Messages(dm)); got != n+2 {
		t.Errorf("%d messages in the direct messages after another new session, want %d (the /help and its answer)", got, n+2)
	}
}

// panicky is a core that panics on /status.
type panicky struct{ Core }

func (p panicky) Handle(ctx context.Context, u *bot.Update) (*bot.Reply, error) {
	if strings.HasPrefix(u.Text, "/status") {
		panic("kapot")
	}
	return p.Core.Handle(ctx, u)
}

func TestPanicInAHandlerIsRecoveredAndLogged(t *testing.T) {
	logs := &logRecorder{}
	s := newTwoGroups(t, harnessOptions{Core: func(c Core) Core { return panicky{c} }, Logger: logs})
	r := s.command(s.fay, s.buren, "status")
	if want := s.core.Renderer().Line(flows.L(flows.ErrInternal), "nl").Plain(); shown(r.Content) != want || r.Flags&64 == 0 {
		t.Errorf("the panicking command was answered %q (flags %d), want the apology, privately", r.Content, r.Flags)
	}
	if !logs.has("panicked") || !logs.has("kapot") {
		t.Errorf("the panic was not logged:\n%s", strings.Join(logs.lines, ""))
	}
	// The bot goes on.
	form := s.press(s.bob, s.buren, "Privé antwoorden")
	s.submit(s.bob, s.buren, form, "Nog steeds hier.")
	if got := s.progress(s.buren); !strings.HasPrefix(got, "1 van 2") {
		t.Errorf("after the panic: %q", got)
	}
}

// A form in the newer Label layout (component type 18), which discordgo
// v0.29 cannot decode, gets a kind answer and changes nothing.
func TestAFormTheLibraryCannotReadGetsAKindAnswer(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	form := s.press(s.ann, s.buren, "Privé antwoorden")
	v := s.version()
	r := s.fake.WaitReply(t, s.fake.SubmitLabel(s.ann, s.buren, form.Modal.CustomID, "Mijn antwoord"))
	want := s.core.Renderer().Line(flows.L(flows.MsgFormUnreadable), "nl").Plain()
	if shown(r.Content) != want || r.Flags&64 == 0 {
		t.Errorf("answer %q (flags %d), want %q privately", shown(r.Content), r.Flags, want)
	}
	if s.version() != v {
		t.Errorf("the unreadable form changed the log: version %d → %d", v, s.version())
	}
}

// A 429 on one channel's messages holds up that channel only; its message
// goes out once Discord allows, exactly once.
func TestRateLimitOnOneChannelDelaysOnlyThatChannel(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	before := map[string]int{s.buren: len(s.fake.Messages(s.buren)), s.ondern: len(s.fake.Messages(s.ondern))}
	s.fake.Inject429("/channels/"+s.buren+"/messages", 1, 300*time.Millisecond, false)
	s.fake.Inject429("/channels/"+s.buren+"/messages", 1, 300*time.Millisecond, false) // the edit route too
	r := s.fake.WaitReply(t, s.fake.Command(s.fay, s.buren, "close", text("round", "1")))
	if r.Content == "" {
		t.Fatal("no answer to /close")
	}
	if err := s.sender.FlushAll(s.ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(s.fake.Messages(s.ondern)); got <= before[s.ondern] {
		t.Errorf("the other channel got nothing while the first was rate limited")
	}
	if s.fake.Count429() == 0 {
		t.Fatal("no 429 was served")
	}
	s.fake.Wait(t, "the rate-limited channel's message", func() bool {
		if err := s.sender.FlushAll(s.ctx); err != nil {
			t.Fatal(err)
		}
		return s.has(s.buren, "Ronde 1 is gesloten")
	})
	closed := 0
	for _, m := range s.fake.Messages(s.buren)[before[s.buren]:] {
		if strings.Contains(shown(m.Content), "Ronde 1 is gesloten") {
			closed++
		}
	}
	if closed != 1 {
		t.Errorf("the closing notice arrived %d times in the rate-limited channel", closed)
	}
}

// A global rate limit hit by the outbox does not hold up the answers to
// interactions: they go out through a session of their own.
func TestInteractionsDoNotWaitBehindAGlobalRateLimit(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	s.fake.Inject429("/channels/", 1, 30*time.Second, true)
	s.command(s.fay, s.buren, "close", text("round", "1")) // the outbox meets the global limit
	route := discordgo.EndpointChannelMessages(s.ondern)
	if s.a.bucketWait(route) <= 0 {
		t.Fatal("the outbox's session does not know of the global limit")
	}
	r := s.command(s.bob, s.buren, "status")
	if r.Content == "" {
		t.Fatal("no answer to /status")
	}
	if s.a.bucketWait(route) <= 0 {
		t.Error("the global limit ended before the answer came: this test proves nothing")
	}
}

// With every interaction deferred (work slower than Discord's three
// seconds), each kind of answer still arrives: a reply for everyone is
// posted in the channel, a private one replaces the private "thinking…"
// or follows a button privately, a form continues in the direct messages.
func TestDeferredAnswersStillArrive(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{AnswerWithin: -1})
	pub := s.fake.Command(s.fay, s.buren, "status")
	r := s.fake.WaitReply(t, pub)
	if first := s.fake.Responses(pub)[0]; first.Type != 5 {
		t.Errorf("first response type %d, want 5 (deferred)", first.Type)
	}
	if r.Flags&64 == 0 {
		t.Errorf("the deferred answer %q is public: whether it should be was not known when it was deferred", r.Content)
	}
	s.find(s.buren, "Parkeren · code") // the status itself, for everyone

	msg, id := s.button(s.buren, "Ik pas")
	press := s.fake.Press(s.bob, s.buren, msg, id)
	r = s.fake.WaitReply(t, press)
	if first := s.fake.Responses(press)[0]; first.Type != 6 {
		t.Errorf("button: first response type %d, want 6", first.Type)
	}
	if r.Flags&64 == 0 {
		t.Errorf("the private answer to a button came publicly: %q", r.Content)
	}
	s.flush()

	// A form that could not open in time is offered again, never moved to
	// the direct messages (whose history the bot's token can read).
	dm := s.fake.DMChannel(s.ann)
	before := len(s.fake.Messages(dm))
	msg, id = s.button(s.buren, "Anoniem antwoorden")
	r = s.fake.WaitReply(t, s.fake.Press(s.ann, s.buren, msg, id))
	if r.Modal != nil || r.Flags&64 == 0 || !strings.Contains(shown(r.Content), "Druk op de knop hieronder") || buttonID(r.Components, "Ronde 1: je antwoord") != id {
		t.Errorf("a form that could not open in time: %+v", r)
	}
	if got := len(s.fake.Messages(dm)); got != before {
		t.Errorf("%d direct messages about an anonymous answer", got-before)
	}
}

// A refused token stops Run with a message that says what to fix, instead
// of reconnecting forever.
func TestRefusedTokenStopsTheGateway(t *testing.T) {
	for _, tc := range []struct {
		code int
		want string
	}{{4004, "SAMEN_DISCORD_TOKEN"}, {4014, "intents"}} {
		h := newHarness(t, harnessOptions{})
		h.fake.CloseWith(tc.code, "nee")
		var err error
		select {
		case err = <-h.runErr:
		case <-time.After(20 * time.Second):
			t.Fatalf("close %d: Run did not stop", tc.code)
		}
		h.runErr <- nil // for the harness's clean-up
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("close %d: Run returned %v, want an error about %s", tc.code, err, tc.want)
		}
		if n := h.fake.Identifies() + h.fake.Resumes(); n > 3 {
			t.Errorf("close %d: %d connection attempts", tc.code, n)
		}
	}
}

// A token Discord refuses is caught before connecting.
func TestNewRefusesABadToken(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, err := New(context.Background(), Config{Token: "wrong-token", HTTPClient: h.fake.Client()}, h.core, h.store)
	if err == nil || !strings.Contains(err.Error(), "SAMEN_DISCORD_TOKEN") || strings.Contains(err.Error(), "wrong-token") {
		t.Errorf("New with a bad token: %v", err)
	}
}

// Someone whose direct messages are closed to the server hears how to open
// them, where they pressed the button.
func TestClosedDirectMessagesAreExplained(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	s.command(s.fay, s.buren, "close", text("round", "1"))
	s.command(s.fay, s.buren, "round", text("kind", "intake"))
	s.fake.Forbid(s.fake.DMChannel(s.ann))
	msg, id := s.button(s.buren, "Start het voorgesprek")
	press := s.fake.Press(s.ann, s.buren, msg, id)
	want := s.core.Renderer().Line(flows.L(flows.MsgDMClosed), "nl").Plain()
	s.fake.Wait(t, "the explanation", func() bool {
		for _, r := range s.fake.Responses(press) {
			if shown(r.Content) == want && r.Flags&64 != 0 {
				return true
			}
		}
		return false
	})
}
