package discord

// What a review of the adapter found, each now a test: anonymity and
// forms, slash options read as text, catching up after an outage, shutdown,
// logs, lost servers, rate limits and refused messages. Where a test needs
// to break the network in a precise place it builds the harness with a
// transport of its own (harnessOptions.Transport).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// ---------------------------------------------------------------------
// Helpers

// rtFunc is an http.RoundTripper made of a function.
type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func line(h *harness, key flows.MsgKey, lang string) string {
	return h.core.Renderer().Line(flows.L(key), lang).Plain()
}

// ---------------------------------------------------------------------
// Anonymity and data

// Pressing "Anoniem antwoorden" after a named answer withdraws the named
// answer at once (so that no one event ties a person to an anonymous
// answer). On Telegram the reply says so; on Discord the reply is a form,
// and the form itself must say it.
func TestTheAnonymousFormSaysTheNamedAnswerIsWithdrawn(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	form := s.press(s.ann, s.buren, "Privé antwoorden")
	s.submit(s.ann, s.buren, form, "Mijn antwoord, met mijn naam.")
	if got := s.progress(s.buren); !strings.HasPrefix(got, "1 van 2") {
		t.Fatalf("progress after Ann's named answer: %q", got)
	}

	r := s.press(s.ann, s.buren, "Anoniem antwoorden")
	// Ann reads the form, decides not to, and closes it.
	withdrawn := line(s.harness, flows.MsgNamedWithdrawn, "nl")
	told := strings.Contains(shown(r.Content), withdrawn) || s.has(s.fake.DMChannel(s.ann), withdrawn)
	if r.Modal != nil {
		told = told || strings.Contains(fmt.Sprint(*r.Modal), "ingetrokken")
	}
	if got := s.progress(s.buren); !told {
		t.Errorf("pressing %q withdrew Ann's named answer (progress now %q) and she was never told %q: the bot answered only with the form %+v",
			"Anoniem antwoorden", got, withdrawn, r.Modal)
	}
}

// A form answers the input it was made for: the anonymous form (opened on
// a phone) submitted after the named one was asked for (on a laptop) is
// refused, not stored under the person's name.
func TestAStaleFormIsRefusedNotStoredUnderTheirName(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	anon := s.press(s.ann, s.buren, "Anoniem antwoorden")
	named := s.press(s.ann, s.buren, "Privé antwoorden")
	if anon.Modal == nil || named.Modal == nil || anon.Modal.CustomID == named.Modal.CustomID {
		t.Fatalf("forms %+v and %+v: want two forms with their own ids", anon.Modal, named.Modal)
	}
	const secret = "Ik durf dit alleen anoniem te zeggen."
	r := s.fake.WaitReply(t, s.fake.Submit(s.ann, s.buren, anon.Modal.CustomID, secret))
	s.flush()
	if want := line(s.harness, flows.ErrFormExpired, "nl"); shown(r.Content) != want {
		t.Errorf("the stale anonymous form was answered %q, want %q", shown(r.Content), want)
	}
	if got := s.progress(s.buren); !strings.HasPrefix(got, "0 van 2") {
		t.Errorf("progress %q after a refused form", got)
	}
}

// ---------------------------------------------------------------------
// Slash command options read as text

// /round with a prompt and no scope opens the round here, with the whole
// prompt, even when the prompt begins with a scope word ("All …").
func TestARoundPromptBeginningWithAllOpensHereOnly(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	s := linkedTwo(t, h)
	const prompt = "All things considered: what worries you most about parking?"
	r := s.command(s.fay, s.buren, "round", text("kind", "concerns"), text("prompt", prompt))
	if s.has(s.ondern, "Ronde 1") {
		t.Errorf("/round in Buren without a scope opened the round in Ondernemers too (answer %q)", shown(r.Content))
	}
	if !s.has(s.buren, "All things considered") {
		t.Errorf("the prompt lost its first word:\n%s", s.transcript(s.buren))
	}
}

// /close with a reason and no round closes the round here, even when the
// reason begins with a number ("2 mensen …") or a scope word.
func TestACloseReasonBeginningWithANumberClosesTheRoundHere(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	s := linkedTwo(t, h)
	s.command(s.fay, s.buren, "round", text("kind", "concerns"))  // round 1, Buren
	s.command(s.fay, s.ondern, "round", text("kind", "concerns")) // round 2, Ondernemers
	s.find(s.ondern, "Ronde 2")
	r := s.command(s.fay, s.buren, "close", text("reason", "2 mensen zijn ziek, we ronden hier af"))
	if s.has(s.ondern, "Ronde 2 is gesloten") {
		t.Errorf("/close in Buren with a reason closed round 2 in Ondernemers (answer %q)", shown(r.Content))
	}
	if !s.has(s.buren, "Ronde 1 is gesloten") {
		t.Errorf("/close in Buren did not close Buren's round 1:\n%s", s.transcript(s.buren))
	}
}

// ---------------------------------------------------------------------
// Messages

// An answer given as a reply can be edited until the round closes
// (DESIGN.md §2): the edit is the answer's new version, as on Telegram.
func TestAnEditedReplyIsTheNewVersionOfTheAnswer(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	round := s.find(s.buren, "Ronde 1 · ")
	mention := "<@" + s.a.BotID() + "> "
	reply := s.fake.Reply(s.bob, s.buren, round.ID, mention+"Eerste versie.")
	s.fake.Wait(t, "the reply counted", func() bool {
		s.flush()
		return strings.HasPrefix(s.progress(s.buren), "1 van 2")
	})
	bot := map[string]any{"id": s.a.BotID(), "username": "Samen", "discriminator": "0", "bot": true}
	now := time.Now().UTC().Format(time.RFC3339)
	s.fake.Dispatch("MESSAGE_UPDATE", map[string]any{
		"id": reply.ID, "channel_id": s.buren, "guild_id": s.guild, "type": 19,
		"content":          mention + "Tweede versie, beter verwoord.",
		"author":           map[string]any{"id": s.bob.ID, "username": "Bob", "global_name": "Bob", "discriminator": "0"},
		"mentions":         []any{bot},
		"timestamp":        now,
		"edited_timestamp": now,
		"message_reference": map[string]any{
			"message_id": round.ID, "channel_id": s.buren, "guild_id": s.guild,
		},
		"referenced_message": map[string]any{
			"id": round.ID, "channel_id": s.buren, "author": bot, "content": "", "timestamp": now, "type": 0,
		},
	})
	s.fake.Wait(t, "the edit taken", func() bool { return s.has(s.fake.DMChannel(s.bob), "is bijgewerkt") })
	s.command(s.fay, s.fake.DMChannel(s.fay), "close", text("round", "1"))
	preview := s.find(s.fake.DMChannel(s.fay), "Samenvatting ronde 1")
	if !strings.Contains(shown(preview.Content), "Bob: Tweede versie, beter verwoord.") || strings.Contains(shown(preview.Content), "Eerste versie") {
		t.Errorf("Bob edited his answer; the summary:\n%s", shown(preview.Content))
	}
}

// The explanation of an unreadable reply is in the person's language.
func TestAnUnreadableReplyIsExplainedInTheirLanguage(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	s.dm(s.bob, "/lang en")
	round := s.find(s.buren, "Ronde 1 · ")
	dm := s.fake.DMChannel(s.bob)
	nl, en := line(s.harness, flows.MsgReplyUnreadable, "nl"), line(s.harness, flows.MsgReplyUnreadable, "en")
	s.fake.Reply(s.bob, s.buren, round.ID, "There is never any room here at night.")
	s.fake.Wait(t, "the explanation", func() bool {
		return s.has(dm, nl[:30]) || s.has(dm, en[:30])
	})
	if !s.has(dm, en[:30]) {
		t.Errorf("Bob chose English; the explanation came in Dutch:\n%s", s.transcript(dm))
	}
}

// ---------------------------------------------------------------------
// Catching up after a new session

// A read of missed messages that fails once is tried again, so what was
// sent during the outage is not lost behind the next live message.
func TestAFailedCatchUpReadIsTriedAgain(t *testing.T) {
	var fail atomic.Bool
	failed := make(chan struct{}, 8)
	var dmPath atomic.Value
	dmPath.Store("-")
	p := newHarness(t, harnessOptions{Transport: func(base http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, dmPath.Load().(string)) && fail.CompareAndSwap(true, false) {
				failed <- struct{}{}
				return nil, errors.New("connection reset by peer")
			}
			return base.RoundTrip(r)
		})
	}})
	s := twoGroupsOn(t, p)
	dm := s.fake.DMChannel(s.fay)
	dmPath.Store("/channels/" + dm + "/messages")

	fail.Store(true)
	s.fake.InvalidateSessions()
	s.fake.Drop()
	missed := s.fake.DM(s.fay, "/status") // lost with the session
	s.fake.WaitConnected(t)
	select {
	case <-failed:
	case <-time.After(10 * time.Second):
		t.Fatal("the catch-up never read the direct messages")
	}
	s.dm(s.fay, "/help") // a live message after the failed read

	// Another new session: a second chance to catch up.
	s.fake.InvalidateSessions()
	s.fake.Drop()
	s.fake.WaitConnected(t)
	s.dm(s.fay, "/plan")

	answered := false
	for _, m := range s.fake.Messages(dm) {
		if m.AuthorID == s.a.BotID() && strings.Contains(shown(m.Content), "Parkeren · code") {
			answered = true
		}
	}
	if !answered {
		t.Errorf("the direct message %q (%s) sent while the bot was away was never answered:\n%s", missed.Content, missed.ID, s.transcript(dm))
	}
}

// A direct message that arrives while the catch-up is still reading waits
// for it: handled first, it would move "last seen" past the missed ones.
func TestALiveMessageWaitsForTheCatchUp(t *testing.T) {
	var hold atomic.Bool
	held := make(chan struct{}, 8)
	release := make(chan struct{})
	var dmPath atomic.Value
	dmPath.Store("-")
	p := newHarness(t, harnessOptions{Transport: func(base http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, dmPath.Load().(string)) && hold.CompareAndSwap(true, false) {
				held <- struct{}{}
				<-release
			}
			return base.RoundTrip(r)
		})
	}})
	s := twoGroupsOn(t, p)
	dm := s.fake.DMChannel(s.fay)
	dmPath.Store("/channels/" + dm + "/messages")

	hold.Store(true)
	s.fake.InvalidateSessions()
	s.fake.Drop()
	s.fake.DM(s.fay, "/status") // lost with the session
	s.fake.WaitConnected(t)
	select {
	case <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("the catch-up never read the direct messages")
	}
	s.fake.DM(s.fay, "/help") // live, while the catch-up is reading: it waits
	close(release)
	s.fake.Wait(t, "the answers to both", func() bool { return s.has(dm, "Parkeren · code") && s.has(dm, "Als gespreksleider") })
	status, help := -1, -1
	for i, m := range s.fake.Messages(dm) {
		switch {
		case strings.Contains(shown(m.Content), "Parkeren · code"):
			status = i
		case strings.Contains(shown(m.Content), "Als gespreksleider"):
			help = i
		}
	}
	if status > help {
		t.Errorf("the live message was answered before the one missed during the outage:\n%s", s.transcript(dm))
	}
}

// ---------------------------------------------------------------------
// Shutdown

// blocking is a core whose /status waits until released.
type blocking struct {
	Core
	entered, release chan struct{}
	done             chan string
}

func (b *blocking) Handle(ctx context.Context, u *bot.Update) (*bot.Reply, error) {
	if strings.HasPrefix(u.Text, "/status") {
		close(b.entered)
		<-b.release
		r, err := b.Core.Handle(ctx, u)
		out := fmt.Sprintf("error %v", err)
		if r != nil {
			out = fmt.Sprintf("reply %q", r.Text.Plain())
		}
		b.done <- out
		return r, err
	}
	return b.Core.Handle(ctx, u)
}

// Run returns only when the work in hand is done: cmd/samen closes the
// store right after it (run.go serve, then app.close).
func TestRunWaitsForTheWorkInHand(t *testing.T) {
	b := &blocking{entered: make(chan struct{}), release: make(chan struct{}), done: make(chan string, 1)}
	p := newHarness(t, harnessOptions{Core: func(c Core) Core { b.Core = c; return b }})
	s := twoGroupsOn(t, p)
	s.fake.Command(s.fay, s.buren, "status")
	<-b.entered

	stopped := make(chan struct{})
	go func() { p.stop(); close(stopped) }()
	select {
	case <-stopped:
		// What cmd/samen does next: close the store.
		s.store.Close()
		close(b.release)
		got := <-b.done
		t.Errorf("Run returned while an interaction was still being handled; the handler then ran on the closed store and gave: %s", got)
	case <-time.After(3 * time.Second):
		close(b.release) // Run waited: good
		<-stopped
	}
}

// ---------------------------------------------------------------------
// Logs

// A failed interaction request is a *url.Error that quotes the URL, and
// interaction URLs carry the interaction token (valid 15 minutes: anyone
// holding it can post and edit the bot's answers to that person): logs
// never show it.
func TestNoInteractionTokenInTheLogs(t *testing.T) {
	var fail atomic.Bool
	logs := &logRecorder{}
	p := newHarness(t, harnessOptions{Logger: logs, Transport: func(base http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/callback") && fail.CompareAndSwap(true, false) {
				return nil, errors.New("connection reset by peer")
			}
			return base.RoundTrip(r)
		})
	}})
	s := twoGroupsOn(t, p)
	fail.Store(true)
	it := s.fake.Command(s.bob, s.buren, "status")
	s.fake.Wait(t, "the failed answer logged", func() bool { return logs.has("answer an interaction failed") })
	if logs.has(it.Token) {
		t.Errorf("the log holds the interaction token %q:\n%s", it.Token, strings.Join(logs.lines, ""))
	}
}

// ---------------------------------------------------------------------
// Losing chats, rate limits, outbox errors

// Removed from a server (GUILD_DELETE without "unavailable"), the bot no
// longer reaches its linked channels: the facilitators hear it, as on
// Telegram.
func TestRemovalFromAServerIsTold(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	s.fake.Dispatch("GUILD_DELETE", map[string]any{"id": s.guild})
	dm := s.fake.DMChannel(s.fay)
	s.fake.Wait(t, "the facilitator hears of both groups' chats", func() bool {
		s.flush()
		return s.has(dm, "Ik ben uit de chat van Buren") && s.has(dm, "Ik ben uit de chat van Ondernemers")
	})
}

// A button whose answer continues in the direct messages (an intake) is
// answered first: the direct message goes through the outbox's session,
// whose rate limiter sleeps in discordgo while a global limit lasts, and
// the answer must not miss Discord's three seconds.
func TestAnInteractionAnswerDoesNotWaitForTheOutboxsRateLimit(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	s := linkedTwo(t, h)
	s.command(s.fay, s.buren, "round", text("kind", "intake"))
	msg, id := s.button(s.buren, "Start het voorgesprek")

	s.fake.Inject429("/channels/", 1, 4*time.Second, true)
	s.fake.DM(s.fay, "/help") // its answer meets the global limit
	s.fake.Wait(t, "the global limit", func() bool { return s.fake.Count429() > 0 })

	press := s.fake.Press(s.ann, s.buren, msg, id)
	var status int
	s.fake.Wait(t, "the first answer to the button", func() bool {
		for _, c := range s.fake.Calls() {
			if strings.Contains(c.Path, "/interactions/"+press.ID+"/") {
				status = c.Status
				return true
			}
		}
		return false
	})
	if status >= 300 {
		t.Errorf("the button's first answer was refused with %d (too late: Discord shows \"This interaction failed\")", status)
	}
}

// A message Discord refuses for good with 400 (an archived, locked thread:
// 50083; an Invalid Form Body: 50035) is undeliverable: tried again every
// second it would hold back every later message to that chat.
func TestARefusedMessageIsNotRetriedForever(t *testing.T) {
	for _, code := range []int{50083, 50035} {
		err := sendError(&discordgo.RESTError{
			Response: &http.Response{StatusCode: http.StatusBadRequest, Status: "400 Bad Request"},
			Message:  &discordgo.APIErrorMessage{Code: code, Message: "refused"},
		})
		var later *bot.RetryLater
		if !errors.Is(err, bot.ErrUndeliverable) && !errors.As(err, &later) {
			t.Errorf("a 400 with code %d: the sender retries it every second, forever (%v)", code, err)
		}
	}
}

// Six single-button rows (the template picker under /new with seven
// templates) are packed into fewer rows: no button is lost.
func TestSixSingleButtonRowsKeepEveryButton(t *testing.T) {
	a := &Adapter{codec: bot.ButtonCodec{Key: make([]byte, 32)}}
	var rows [][]bot.Button
	for i := range 6 {
		rows = append(rows, []bot.Button{{Label: fmt.Sprintf("Sjabloon %d", i+1), Intent: flows.Intent{Do: flows.DoTemplate, Process: "ABC123", Arg: fmt.Sprint(i)}}})
	}
	out, err := a.components(rows)
	n := 0
	for _, r := range out {
		n += len(r.(discordgo.ActionsRow).Components)
	}
	if n != 6 {
		t.Errorf("6 buttons in, %d out (err %v)", n, err)
	}
}

// The concern form takes no more than the engine accepts (500 characters):
// a longer concern would be refused after it was typed, with the form and
// its text gone.
func TestAConcernFormTakesNoMoreThanTheEngineAccepts(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	s := linkedTwo(t, h)
	s.command(s.fay, s.buren, "propose", text("text", "Bewonersparkeren in de hele wijk."))
	s.command(s.fay, s.buren, "consent", number("proposal", 1))
	f := s.press(s.ann, s.buren, "Ik stem in, met een zorg")
	if f.Modal == nil {
		t.Fatalf("no form: %+v", f)
	}
	if max := f.Modal.Inputs[0].MaxLength; max > 500 {
		concern := strings.Repeat("Ik maak me zorgen over de kosten. ", 20) // 680 characters
		r := s.submit(s.ann, s.buren, f, concern)
		t.Errorf("the concern form takes %d characters; %d typed were refused after sending: %q", max, len([]rune(concern)), shown(r.Content))
	}
}

// A direct message with a photo and a caption, where the bot waits for
// text (an intake's question), gets "I need text", as on Telegram; the
// caption is not taken as the answer while the photo is dropped.
func TestAPhotoWithACaptionIsNotTakenAsTheAnswer(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	s.command(s.fay, s.buren, "close", text("round", "1"))
	s.command(s.fay, s.buren, "round", text("kind", "intake"))
	s.press(s.ann, s.buren, "Start het voorgesprek")
	dm := s.fake.DMChannel(s.ann)
	s.fake.Wait(t, "the first question in the direct messages", func() bool { return len(s.fake.Messages(dm)) > 0 })
	n := len(s.fake.Messages(dm))
	s.fake.Dispatch("MESSAGE_CREATE", map[string]any{
		"id": "1999999999999999991", "channel_id": dm, "type": 0, "content": "zie foto", "timestamp": time.Now().UTC().Format(time.RFC3339),
		"author":      map[string]any{"id": s.ann.ID, "username": "Ann", "discriminator": "0"},
		"attachments": []any{map[string]any{"id": "2", "filename": "stoep.jpg", "size": 10, "url": "https://cdn.example/stoep.jpg", "proxy_url": "https://cdn.example/stoep.jpg", "content_type": "image/jpeg"}},
	})
	s.fake.Wait(t, "the answer to the photo", func() bool { return len(s.fake.Messages(dm)) > n })
	if got, want := shown(s.fake.Messages(dm)[n].Content), line(s.harness, flows.ErrNeedText, "nl"); got != want {
		t.Errorf("a photo with a caption was answered %q, want %q", got, want)
	}
}

// Catching up reads every page of missed messages: in a lively channel, a
// reply to the round sent after 100 other messages is still read.
func TestCatchUpReadsEveryPage(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	round := s.find(s.buren, "Ronde 1 · ")
	s.fake.InvalidateSessions()
	s.fake.Drop()
	for i := range 100 {
		s.fake.Say(s.ann, s.buren, fmt.Sprintf("bericht %d over iets anders", i))
	}
	s.fake.Reply(s.bob, s.buren, round.ID, "<@"+s.a.BotID()+"> Mijn antwoord, tijdens de storing.")
	s.fake.WaitConnected(t)
	s.fake.WaitTimeout = 4 * time.Second
	s.fake.Wait(t, "Bob's reply, sent while the bot was away, counted", func() bool {
		s.flush()
		return strings.HasPrefix(s.progress(s.buren), "1 van 2")
	})
}
