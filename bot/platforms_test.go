package bot_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/discord"
	"github.com/samen-bot/samen/bot/discord/discordtest"
	"github.com/samen-bot/samen/bot/telegram"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/store"
)

// End-to-end across platforms: one core on one store, the Telegram adapter
// polling the fake Bot API and the Discord adapter on the fake gateway, both
// running in the background as in `samen run`, and one sender delivering
// the outbox to whichever platform a chat is on. The test plays the people
// on both fakes and waits, after every step, for what they would see.

// platforms is the whole bot on Telegram and Discord at once.
type platforms struct {
	t    *testing.T
	ctx  context.Context
	tg   *telegramtest.Server
	dc   *discordtest.Server
	core *bot.Bot
	tga  *telegram.Adapter
	dca  *discord.Adapter

	mu  sync.Mutex
	now time.Time
}

func newPlatforms(t *testing.T) *platforms {
	t.Helper()
	p := &platforms{t: t, now: time.Date(2026, 9, 7, 9, 0, 0, 0, time.UTC)}
	p.tg = &telegramtest.Server{Limits: telegramtest.Limits{Off: true}}
	tgURL := p.tg.Start(t)
	p.dc = &discordtest.Server{}
	p.dc.Start(t)

	st, err := store.OpenBolt(filepath.Join(t.TempDir(), "samen.db"), store.BoltOptions{Now: p.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var sender *bot.Sender // set before anything can commit
	p.core, err = bot.New(bot.Config{
		Store:    st,
		Secret:   []byte("platforms-test-secret-0123456789abcdef"),
		Now:      p.clock,
		Outboxed: func(string) { sender.Wake() },
	})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	p.ctx = ctx
	p.tga, err = telegram.New(ctx, telegram.Config{
		Token: p.tg.Token, APIURL: tgURL, HTTPClient: p.tg.Client(), PollTimeout: 2 * time.Second,
		Limits: telegram.Limits{PerChat: -1, PerGroupMinute: -1, GlobalPerSecond: -1, EditEvery: -1},
	}, p.core, st)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	p.dca, err = discord.New(ctx, discord.Config{Token: p.dc.Token, HTTPClient: p.dc.Client(), AnswerWithin: 5 * time.Second}, p.core, st)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	sender = bot.NewSender(st, p.core.Renderer(), map[string]bot.Transport{telegram.Platform: p.tga, discord.Platform: p.dca}, nil)

	type stopped struct {
		what string
		err  error
	}
	done := make(chan stopped, 3)
	go func() { done <- stopped{"the Telegram adapter", p.tga.Run(ctx)} }()
	go func() { done <- stopped{"the Discord adapter", p.dca.Run(ctx)} }()
	go func() { done <- stopped{"the sender", sender.Run(ctx)} }()
	// Cleanups run last-in first-out: this one stops the goroutines before
	// the store closes and the fakes shut down.
	t.Cleanup(func() {
		cancel()
		timeout := time.NewTimer(10 * time.Second)
		defer timeout.Stop()
		for range 3 {
			select {
			case s := <-done:
				if s.err != nil && !errors.Is(s.err, context.Canceled) {
					t.Errorf("%s stopped with: %v", s.what, s.err)
				}
			case <-timeout.C:
				t.Error("the adapters and the sender did not stop within 10 s of their context ending")
				return
			}
		}
	})
	p.dc.WaitConnected(t)
	return p
}

func (p *platforms) clock() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.now
}

// advance moves the clock and runs what fell due; the sender is woken by
// the commits.
func (p *platforms) advance(d time.Duration) {
	p.t.Helper()
	p.mu.Lock()
	p.now = p.now.Add(d)
	p.mu.Unlock()
	if _, err := p.core.RunDue(p.ctx); err != nil {
		p.t.Fatalf("timers: %v", err)
	}
}

// --- Telegram ---

// tgSay has someone write in a Telegram chat; it returns the message's id.
// The bot must receive it (privacy mode drops plain group messages).
func (p *platforms) tgSay(u telegramtest.User, chat telegramtest.Chat, text string, opts ...telegramtest.MsgOption) int {
	p.t.Helper()
	upd, id := p.tg.Message(u, chat, text, opts...)
	if upd == 0 {
		p.t.Fatalf("Telegram did not deliver %q by %s in chat %d to the bot", text, u.FirstName, chat.ID)
	}
	return id
}

// tgFind returns the bot's last message in a Telegram chat that contains
// every one of wants.
func (p *platforms) tgFind(chat int64, wants ...string) (telegramtest.Sent, bool) {
	msgs := p.tg.Chat(chat)
	for i := len(msgs) - 1; i >= 0; i-- {
		if containsAll(msgs[i].Plain, wants) {
			return msgs[i], true
		}
	}
	return telegramtest.Sent{}, false
}

// tgWait waits until the bot has a message in a Telegram chat that holds
// every one of wants, and returns the last one.
func (p *platforms) tgWait(chat int64, wants ...string) telegramtest.Sent {
	p.t.Helper()
	var m telegramtest.Sent
	p.tg.Wait(p.t, fmt.Sprintf("Telegram chat %d to receive %q", chat, wants), func() bool {
		var ok bool
		m, ok = p.tgFind(chat, wants...)
		return ok
	})
	return m
}

// tgCount is how many of the bot's messages in a chat hold want.
func (p *platforms) tgCount(chat int64, want string) int {
	n := 0
	for _, m := range p.tg.Chat(chat) {
		if strings.Contains(m.Plain, want) {
			n++
		}
	}
	return n
}

// tgPress presses a button under one of the bot's Telegram messages and
// waits until the bot answered the press.
func (p *platforms) tgPress(u telegramtest.User, m telegramtest.Sent, label string) {
	p.t.Helper()
	before := len(p.tg.CallbackAnswers())
	if p.tg.PressButton(p.t, u, m.ChatID, m.MessageID, label) == 0 {
		p.t.Fatalf("%s could not press %q under message %d in chat %d:\n%s", u.FirstName, label, m.MessageID, m.ChatID, m.Plain)
	}
	p.tg.Wait(p.t, fmt.Sprintf("the answer to %s pressing %q", u.FirstName, label), func() bool {
		return len(p.tg.CallbackAnswers()) > before
	})
}

// --- Discord ---

// dcFind returns the bot's last message in a Discord channel that
// contains, as shown, every one of wants.
func (p *platforms) dcFind(channel string, wants ...string) (discordtest.Message, bool) {
	msgs := p.dc.Messages(channel)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].AuthorID == p.dca.BotID() && containsAll(plain(msgs[i].Content), wants) {
			return msgs[i], true
		}
	}
	return discordtest.Message{}, false
}

// dcWait waits until the bot has a message in a Discord channel that
// holds every one of wants, and returns the last one.
func (p *platforms) dcWait(channel string, wants ...string) discordtest.Message {
	p.t.Helper()
	var m discordtest.Message
	p.dc.Wait(p.t, fmt.Sprintf("Discord channel %s to receive %q", channel, wants), func() bool {
		var ok bool
		m, ok = p.dcFind(channel, wants...)
		return ok
	})
	return m
}

// dcCommand runs a slash command and returns the bot's answer.
func (p *platforms) dcCommand(u discordtest.User, channel, name string, opts ...discordtest.Option) discordtest.Response {
	p.t.Helper()
	return p.dc.WaitReply(p.t, p.dc.Command(u, channel, name, opts...))
}

// dcPress presses a button on one of the bot's Discord messages and
// returns the bot's answer.
func (p *platforms) dcPress(u discordtest.User, m discordtest.Message, label string) discordtest.Response {
	p.t.Helper()
	id := buttonID(m.Components, label)
	if id == "" {
		p.t.Fatalf("message %s in %s has no button %q:\n%s", m.ID, m.ChannelID, label, plain(m.Content))
	}
	return p.dc.WaitReply(p.t, p.dc.Press(u, m.ChannelID, m.ID, id))
}

// dcSubmit fills in the form (modal) the person was just shown.
func (p *platforms) dcSubmit(u discordtest.User, channel string, form discordtest.Response, values ...string) discordtest.Response {
	p.t.Helper()
	if form.Modal == nil {
		p.t.Fatalf("expected a form, got the answer %q (type %d)", plain(form.Content), form.Type)
	}
	return p.dc.WaitReply(p.t, p.dc.Submit(u, channel, form.Modal.CustomID, values...))
}

// dcAnswered checks that an interaction was answered with every one of
// wants, as shown.
func (p *platforms) dcAnswered(r discordtest.Response, wants ...string) {
	p.t.Helper()
	for _, want := range wants {
		if !strings.Contains(plain(r.Content), want) {
			p.t.Errorf("the bot answered %q, want it to say %q", plain(r.Content), want)
		}
	}
}

// dcResponses is every answer the bot gave to a Discord interaction:
// ephemeral ones and forms included.
func (p *platforms) dcResponses() []discordtest.Response {
	seen := map[string]bool{}
	var out []discordtest.Response
	for _, c := range p.dc.Calls() {
		rest, ok := strings.CutPrefix(c.Path, "/api/v9/interactions/")
		if !ok {
			continue
		}
		id, _, _ := strings.Cut(rest, "/")
		if !seen[id] {
			seen[id] = true
			out = append(out, p.dc.Responses(&discordtest.Interaction{ID: id})...)
		}
	}
	return out
}

func buttonID(components []discordtest.Component, label string) string {
	for _, c := range components {
		if c.Label == label && c.CustomID != "" {
			return c.CustomID
		}
		if id := buttonID(c.Components, label); id != "" {
			return id
		}
	}
	return ""
}

// plain is Discord content as a person reads it, without markup: escapes,
// bold and italic markers and zero-width spaces removed.
func plain(content string) string {
	var b strings.Builder
	escaped := false
	for _, c := range content {
		switch {
		case escaped:
			b.WriteRune(c)
			escaped = false
		case c == '\\':
			escaped = true
		case c == '*', c == '_', c == '\u200b':
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func containsAll(s string, wants []string) bool {
	for _, w := range wants {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// holds checks that a text holds every one of wants.
func holds(t *testing.T, where, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q:\n%s", where, want, text)
		}
	}
}

var (
	processCode     = regexp.MustCompile(`De code is ([A-Z0-9]{6})`)
	facilitatorCode = regexp.MustCompile(`collega-gespreksleider: ([A-Z0-9]{4}-[A-Z0-9]{4})`)
)

func TestOneProcessOnTelegramAndDiscord(t *testing.T) {
	p := newPlatforms(t)
	tgPerson := func(id int64, name string) telegramtest.User {
		return telegramtest.User{ID: id, FirstName: name, LanguageCode: "nl"}
	}

	// Telegram: the facilitator, and two groups.
	ilse := tgPerson(1001, "Ilse")
	wim, priya := tgPerson(1101, "Wim"), tgPerson(1102, "Priya")
	marieke := tgPerson(1301, "Marieke")
	bewoners := telegramtest.Chat{ID: -4101, Type: "group", Title: "Bewoners Dorpsstraat"}
	gemeente := telegramtest.Chat{ID: -1003000000303, Type: "supergroup", Title: "Gemeente en COA"}
	p.tg.AddChat(bewoners)
	p.tg.AddChat(gemeente)
	private := telegramtest.Private

	// Discord: Ilse's other account, and a channel of the community
	// centre's server.
	ilseDC := p.dc.AddUser("Ilse", "nl")
	yusuf, els := p.dc.AddUser("Yusuf", "nl"), p.dc.AddUser("Els", "nl")
	linde := p.dc.AddGuild("Buurthuis De Linde")
	welkom := p.dc.AddChannel(linde, "buurtnetwerk-welkom")
	dm := p.dc.DMChannel

	// On failure, show what every chat received.
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		for _, c := range []int64{bewoners.ID, gemeente.ID, ilse.ID, wim.ID, priya.ID, marieke.ID} {
			var b strings.Builder
			for _, m := range p.tg.Chat(c) {
				fmt.Fprintf(&b, "#%d: %s\n", m.MessageID, m.Plain)
			}
			t.Logf("=== Telegram chat %d\n%s", c, b.String())
		}
		for _, c := range []string{welkom, dm(ilseDC), dm(yusuf), dm(els)} {
			var b strings.Builder
			for _, m := range p.dc.Messages(c) {
				fmt.Fprintf(&b, "%s (%s): %s\n", m.ID, m.AuthorID, plain(m.Content))
			}
			t.Logf("=== Discord channel %s\n%s", c, b.String())
		}
	})

	// --- 1. Everyone on Telegram starts the bot; Ilse creates the process.
	for _, u := range []telegramtest.User{ilse, wim, priya, marieke} {
		p.tgSay(u, private(u), "/start")
		p.tgWait(u.ID, "Hallo "+u.FirstName+"! Ik ben Samen.")
	}
	p.tgSay(ilse, private(ilse), "/new Opvang Dorpsstraat")
	m := processCode.FindStringSubmatch(p.tgWait(ilse.ID, "De code is").Plain)
	if m == nil {
		t.Fatal("no process code in the reply to /new")
	}
	code := m[1]

	// --- 2. Two Telegram groups: a basic group and a supergroup.
	for _, g := range []telegramtest.Chat{bewoners, gemeente} {
		p.tgSay(ilse, g, "/link "+code+" "+g.Title)
		p.tgWait(g.ID, "Deze chat is nu de groep "+g.Title+" in het samenlevingsproces Opvang Dorpsstraat.")
		p.tgWait(g.ID, "Meedoen met "+g.Title)
	}

	// --- 3. Ilse's Discord account becomes co-facilitator with a one-time
	// code from Telegram, and links a Discord channel.
	p.tgSay(ilse, private(ilse), "/facilitator")
	m = facilitatorCode.FindStringSubmatch(p.tgWait(ilse.ID, "Geef deze code aan je collega-gespreksleider").Plain)
	if m == nil {
		t.Fatal("no one-time code in the reply to /facilitator")
	}
	r := p.dcCommand(ilseDC, dm(ilseDC), "claim", discordtest.Option{Name: "code", Type: 3, Value: m[1]})
	p.dcAnswered(r, "Je bent nu gespreksleider van Opvang Dorpsstraat")
	p.tgWait(ilse.ID, "Ilse is nu ook gespreksleider van Opvang Dorpsstraat.")
	r = p.dcCommand(ilseDC, welkom, "link",
		discordtest.Option{Name: "code", Type: 3, Value: code}, discordtest.Option{Name: "group", Type: 3, Value: "Buurtnetwerk Welkom"})
	p.dcAnswered(r, "Deze chat is nu de groep Buurtnetwerk Welkom in het samenlevingsproces Opvang Dorpsstraat.")
	welkomRules := p.dcWait(welkom, "Meedoen met Buurtnetwerk Welkom")

	// --- 4. Members join with the button under the rules.
	for _, j := range []struct {
		u     telegramtest.User
		group telegramtest.Chat
	}{{wim, bewoners}, {priya, bewoners}, {marieke, gemeente}} {
		p.tgPress(j.u, p.tgWait(j.group.ID, "Meedoen met "+j.group.Title), "Ik stem in en doe mee")
		p.tgWait(j.group.ID, j.u.FirstName+" doet mee in "+j.group.Title+". Welkom!")
		p.tgWait(j.u.ID, "Welkom, "+j.u.FirstName+"! Je doet mee in "+j.group.Title+" (Opvang Dorpsstraat).")
	}
	for _, u := range []discordtest.User{yusuf, els} {
		r := p.dcPress(u, welkomRules, "Ik stem in en doe mee")
		p.dcAnswered(r, "Welkom, "+u.Name+"! Je doet mee in Buurtnetwerk Welkom (Opvang Dorpsstraat).")
		p.dcWait(welkom, u.Name+" doet mee in Buurtnetwerk Welkom. Welkom!")
	}

	// --- 5. Representatives: proposed by name on Telegram and with the
	// person option on Discord; each accepts privately; 24 hours later,
	// with no objection from their group, they are installed.
	for _, n := range []struct {
		u     telegramtest.User
		group telegramtest.Chat
	}{{wim, bewoners}, {marieke, gemeente}} {
		p.tgSay(ilse, n.group, "/rep "+n.u.FirstName)
		p.tgWait(n.group.ID, "De gespreksleider stelt "+n.u.FirstName+" voor als vertegenwoordiger van "+n.group.Title+".")
		p.tgPress(n.u, p.tgWait(n.u.ID, "Neem je het aan?"), "Ik neem het aan")
		p.tgWait(n.u.ID, "ben je daarna vertegenwoordiger")
	}
	p.dcCommand(ilseDC, welkom, "rep", discordtest.Option{Name: "person", Type: 6, Value: els.ID})
	p.dcWait(welkom, "De gespreksleider stelt Els voor als vertegenwoordiger van Buurtnetwerk Welkom.")
	p.dcPress(els, p.dcWait(dm(els), "Neem je het aan?"), "Ik neem het aan")
	p.dcWait(dm(els), "ben je daarna vertegenwoordiger")

	p.advance(24 * time.Hour)
	p.tgWait(bewoners.ID, "Wim is nu vertegenwoordiger van Bewoners Dorpsstraat.")
	p.tgWait(gemeente.ID, "Marieke is nu vertegenwoordiger van Gemeente en COA.")
	p.dcWait(welkom, "Els is nu vertegenwoordiger van Buurtnetwerk Welkom.")

	// --- 6. A concerns round in every group, opened on Telegram.
	p.tgSay(ilse, private(ilse), "/round concerns all")
	const concerns = "Ronde 1 · Zorgen en ervaringen delen"
	prompt := p.tgWait(bewoners.ID, concerns)
	p.tgWait(gemeente.ID, concerns)
	welkomPrompt := p.dcWait(welkom, concerns)

	const (
		wimSaid     = "Ik woon tegenover de school. Ik hoorde het uit de krant, en dat raakt me."
		mariekeSaid = "We hebben fouten gemaakt in de communicatie."
		yusufSaid   = "Ik hoor dingen over 'die mensen' die over mij gaan."
		elsSaid     = "Ik ben zelf ook bang dat het uit de hand loopt, en dat zeg ik liever niet hardop."
	)
	p.tgSay(wim, bewoners, wimSaid, telegramtest.ReplyTo(prompt.MessageID))
	p.tgWait(wim.ID, "je antwoord in ronde 1 (Zorgen en ervaringen delen) is ontvangen")
	p.tgWait(bewoners.ID, concerns, "1 van 2 heeft geantwoord · 0 gepast")
	p.tgSay(marieke, gemeente, mariekeSaid, telegramtest.ReplyTo(p.tgWait(gemeente.ID, concerns).MessageID))
	p.tgWait(marieke.ID, "je antwoord in ronde 1 (Zorgen en ervaringen delen) is ontvangen")
	p.tgWait(gemeente.ID, concerns, "1 van 1 heeft geantwoord · 0 gepast")

	f := p.dcPress(yusuf, welkomPrompt, "Privé antwoorden")
	p.dcAnswered(p.dcSubmit(yusuf, welkom, f, yusufSaid), "je antwoord in ronde 1 (Zorgen en ervaringen delen) is ontvangen")
	p.dcWait(welkom, concerns, "1 van 2 heeft geantwoord · 0 gepast")
	inWelkom := len(p.dc.Messages(welkom))
	f = p.dcPress(els, p.dcWait(welkom, concerns), "Anoniem antwoorden")
	p.dcAnswered(p.dcSubmit(els, welkom, f, elsSaid), "Je antwoord in ronde 1 (Zorgen en ervaringen delen) is anoniem opgeslagen.")
	p.dcWait(welkom, concerns, "2 van 2 hebben geantwoord · 0 gepast")
	if n := len(p.dc.Messages(welkom)); n != inWelkom {
		t.Errorf("the channel got %d messages about Els's anonymous answer", n-inWelkom)
	}

	// Ilse closes the round on Telegram, sees the summary first, and shares
	// it: every group, on either platform, gets every group's answers.
	p.tgSay(ilse, private(ilse), "/close 1")
	const closed = "Ronde 1 is gesloten. Dank jullie wel. De gespreksleider deelt zo de samenvatting."
	p.tgWait(bewoners.ID, closed)
	p.tgWait(gemeente.ID, closed)
	p.dcWait(welkom, closed)
	summary := p.tgWait(ilse.ID, "Samenvatting ronde 1 · Zorgen en ervaringen delen")
	holds(t, "the summary for the facilitator", summary.Plain, "Een deelnemer: "+elsSaid)
	p.tgPress(ilse, summary, "Goedkeuren en delen")
	const relayed = "Wat er gezegd is in ronde 1 · Zorgen en ervaringen delen"
	relayWants := []string{
		"Bewoners Dorpsstraat — 1 van 2",
		"Wim: " + wimSaid,
		"Gemeente en COA — 1 van 1",
		"Marieke: " + mariekeSaid,
		"Buurtnetwerk Welkom — 2 van 2 antwoordden, 0 gepast",
		"Yusuf: " + yusufSaid,
		"Een deelnemer: " + elsSaid,
	}
	for _, g := range []telegramtest.Chat{bewoners, gemeente} {
		holds(t, "the relayed summary in "+g.Title, p.tgWait(g.ID, relayed).Plain, relayWants...)
	}
	holds(t, "the relayed summary in Buurtnetwerk Welkom", plain(p.dcWait(welkom, relayed).Content), relayWants...)

	// --- 7. A proposal, and consent in every group.
	const version1 = "Op de Dorpsstraat komt een opvang voor maximaal 60 mensen, voor twee jaar, met een klankbordgroep van buren die elke maand bijeenkomt."
	p.tgSay(ilse, private(ilse), "/propose "+version1)
	p.tgWait(bewoners.ID, version1)
	p.tgWait(gemeente.ID, version1)
	p.dcWait(welkom, version1)
	p.tgSay(ilse, private(ilse), "/consent 1")
	const consent1 = "Ronde 2 · Instemming met voorstel 1, versie 1"
	for _, v := range []struct {
		u     telegramtest.User
		group telegramtest.Chat
	}{{wim, bewoners}, {priya, bewoners}, {marieke, gemeente}} {
		p.tgPress(v.u, p.tgWait(v.group.ID, consent1), "Ik stem in")
		if answers := p.tg.CallbackAnswers(); !strings.HasPrefix(answers[len(answers)-1].Text, "Genoteerd: Ik stem in.") {
			p.t.Errorf("%s's consent press was answered %+v", v.u.FirstName, answers[len(answers)-1])
		}
	}
	p.tgWait(bewoners.ID, consent1, "2 van 2 hebben gereageerd")
	p.tgWait(gemeente.ID, consent1, "1 van 1 heeft gereageerd")
	for _, u := range []discordtest.User{yusuf, els} {
		p.dcAnswered(p.dcPress(u, p.dcWait(welkom, consent1), "Ik stem in"), "Genoteerd: Ik stem in.")
	}
	p.dcWait(welkom, consent1, "2 van 2 hebben gereageerd")
	p.tgSay(ilse, private(ilse), "/close 2")
	const outcome = "Uitkomst van ronde 2: voorstel 1, versie 1"
	outcomeWants := []string{
		"Bewoners Dorpsstraat: ingestemd — 2 van 2 reageerden",
		"Gemeente en COA: ingestemd — 1 van 1",
		"Buurtnetwerk Welkom: ingestemd — 2 van 2 reageerden",
	}
	for _, g := range []telegramtest.Chat{bewoners, gemeente} {
		holds(t, "the outcome in "+g.Title, p.tgWait(g.ID, outcome).Plain, outcomeWants...)
		p.tgWait(g.ID, consent1, "Uitkomst: ingestemd.")
	}
	holds(t, "the outcome in Buurtnetwerk Welkom", plain(p.dcWait(welkom, outcome).Content), outcomeWants...)
	p.dcWait(welkom, consent1, "Uitkomst: ingestemd.")

	// --- 8. The representatives confirm, two on Telegram, one on Discord;
	// the plan version is adopted everywhere.
	p.tgPress(wim, p.tgWait(wim.ID, "Bewoners Dorpsstraat stemt in met voorstel 1, versie 1"), "Bevestig voor Bewoners Dorpsstraat")
	p.tgWait(bewoners.ID, "Wim bevestigt namens Bewoners Dorpsstraat de instemming met voorstel 1, versie 1 (1 van 3 groepen).")
	p.tgPress(marieke, p.tgWait(marieke.ID, "Gemeente en COA stemt in met voorstel 1, versie 1"), "Bevestig voor Gemeente en COA")
	p.tgWait(gemeente.ID, "Marieke bevestigt namens Gemeente en COA de instemming met voorstel 1, versie 1 (2 van 3 groepen).")
	p.dcPress(els, p.dcWait(dm(els), "Buurtnetwerk Welkom stemt in met voorstel 1, versie 1"), "Bevestig voor Buurtnetwerk Welkom")
	p.dcWait(dm(els), "Je hebt namens Buurtnetwerk Welkom bevestigd: voorstel 1, versie 1.")
	const adopted = "Voorstel 1 (versie 1) is aangenomen."
	adoptedWants := []string{version1, "Bevestigd door:", "Wim (Bewoners Dorpsstraat)", "Marieke (Gemeente en COA)", "Els (Buurtnetwerk Welkom)"}
	for _, g := range []telegramtest.Chat{bewoners, gemeente} {
		holds(t, "the adoption notice in "+g.Title, p.tgWait(g.ID, adopted).Plain, adoptedWants...)
	}
	holds(t, "the adoption notice in Buurtnetwerk Welkom", plain(p.dcWait(welkom, adopted).Content), adoptedWants...)

	// --- 9. /status and the record name each group's platform.
	const statusHead = "Opvang Dorpsstraat · code"
	before := p.tgCount(ilse.ID, statusHead)
	p.tgSay(ilse, private(ilse), "/status")
	p.tg.Wait(t, "the answer to /status", func() bool { return p.tgCount(ilse.ID, statusHead) > before })
	statusWants := []string{
		"Bewoners Dorpsstraat (Telegram): 2 deelnemers",
		"Gemeente en COA (Telegram): 1 deelnemer",
		"Buurtnetwerk Welkom (Discord): 2 deelnemers",
	}
	holds(t, "/status on Telegram", p.tgWait(ilse.ID, statusHead).Plain, statusWants...)
	r = p.dcCommand(ilseDC, dm(ilseDC), "status")
	holds(t, "/status on Discord", plain(r.Content), append([]string{statusHead}, statusWants...)...)

	record, err := p.core.Export(p.ctx, code, "nl")
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	_, groups, ok := strings.Cut(record, "## Groepen\n")
	if !ok {
		t.Fatalf("the record has no groups section:\n%s", record)
	}
	groups, _, _ = strings.Cut(groups, "\n## ")
	holds(t, "the record's groups", groups,
		"- Bewoners Dorpsstraat (Telegram): 2 deelnemers; vertegenwoordigers: Wim\n",
		"- Gemeente en COA (Telegram): 1 deelnemer; vertegenwoordigers: Marieke\n",
		"- Buurtnetwerk Welkom (Discord): 2 deelnemers; vertegenwoordigers: Els\n")

	// --- 10. Els's anonymous answer never came beside her name: in no
	// chat, private chat, channel, direct message or interaction answer on
	// either platform, nor on one line of the record.
	for _, c := range []int64{bewoners.ID, gemeente.ID, ilse.ID, wim.ID, priya.ID, marieke.ID} {
		for _, m := range p.tg.Chat(c) {
			if strings.Contains(m.Plain, elsSaid) && strings.Contains(m.Plain, "Els") {
				t.Errorf("Telegram chat %d received Els's anonymous answer beside her name:\n%s", c, m.Plain)
			}
		}
	}
	for _, c := range []string{welkom, dm(ilseDC), dm(yusuf), dm(els)} {
		for _, m := range p.dc.Messages(c) {
			if text := plain(m.Content); strings.Contains(text, elsSaid) && strings.Contains(text, "Els") {
				t.Errorf("Discord channel %s received Els's anonymous answer beside her name:\n%s", c, text)
			}
		}
	}
	for _, r := range p.dcResponses() {
		text := plain(r.Content)
		if r.Modal != nil {
			text += " " + fmt.Sprint(*r.Modal)
		}
		if strings.Contains(text, elsSaid) && strings.Contains(text, "Els") {
			t.Errorf("a Discord interaction was answered with Els's anonymous answer beside her name:\n%s", text)
		}
	}
	for _, line := range strings.Split(record, "\n") {
		if strings.Contains(line, elsSaid) && strings.Contains(line, "Els") {
			t.Errorf("the record puts Els's anonymous answer beside her name: %s", line)
		}
	}

	// Neither platform refused anything the bot sent.
	for _, c := range p.tg.FailedCalls() {
		t.Errorf("Telegram refused %s (%d): %v", c.Method, c.Status, c.Params)
	}
	for _, c := range p.dc.Calls() {
		if c.Status >= 400 {
			t.Errorf("Discord refused %s %s (%d): %s", c.Method, c.Path, c.Status, c.Body)
		}
	}
}
