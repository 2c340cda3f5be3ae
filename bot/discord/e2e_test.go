package discord

import (
	"fmt"
	"github.com/bwmarrin/discordgo"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot/discord/discordtest"
)

// End-to-end: the core, this adapter and the real discordgo client against
// the fake Discord, driven like a script (see harness_test.go). It is the
// Discord counterpart of TestWholeProcessOnTelegram: the same process, in
// two channels and a thread, with answers and votes mostly through buttons
// and the forms (modals) they open rather than through a private chat.

// e2e drives the harness like a script: people run slash commands, press
// buttons on the bot's messages and fill in the forms they are shown; the
// test looks at what each channel, each direct message channel and each
// interaction answer received.
type e2e struct {
	*harness
	t *testing.T
}

func newE2E(t *testing.T) e2e { return e2e{harness: newHarness(t, harnessOptions{}), t: t} }

// plain is content as Discord shows it, without any markup: shown()
// leaves italic markers, and an anonymous answer is introduced in italics.
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

// says checks that the bot (not a person) said want in a channel and
// returns its last message saying it.
func (s e2e) says(channel, want string) discordtest.Message {
	s.t.Helper()
	m := s.find(channel, want)
	if m.AuthorID != s.a.BotID() {
		s.t.Errorf("%q in %s was said by %s, not by the bot", want, channel, m.AuthorID)
	}
	return m
}

// saysAll checks that every channel received want.
func (s e2e) saysAll(want string, channels ...string) {
	s.t.Helper()
	for _, c := range channels {
		s.says(c, want)
	}
}

// contains checks that a message, as shown, holds every one of wants.
func (s e2e) contains(m discordtest.Message, wants ...string) {
	s.t.Helper()
	for _, want := range wants {
		if !strings.Contains(plain(m.Content), want) {
			s.t.Errorf("message %s in %s lacks %q:\n%s", m.ID, m.ChannelID, want, plain(m.Content))
		}
	}
}

// answered checks that an interaction was answered, as shown, with every
// one of wants. private asks that the answer be for the actor alone
// (ephemeral), as it must be in a server channel for anything personal.
func (s e2e) answered(r discordtest.Response, private bool, wants ...string) {
	s.t.Helper()
	for _, want := range wants {
		if !strings.Contains(plain(r.Content), want) {
			s.t.Errorf("the answer lacks %q:\n%s", want, plain(r.Content))
		}
	}
	if got := r.Flags&64 != 0; got != private {
		s.t.Errorf("the answer %q is ephemeral: %v, want %v", shown(r.Content), got, private)
	}
}

// form checks that a button opened a form with these fields' labels.
func (s e2e) form(r discordtest.Response, title string, labels ...string) {
	s.t.Helper()
	if r.Modal == nil {
		s.t.Fatalf("expected the form %q, got an answer %q (type %d)", title, shown(r.Content), r.Type)
	}
	if !strings.Contains(r.Modal.Title, title) {
		s.t.Errorf("the form is titled %q, want %q", r.Modal.Title, title)
	}
	var got []string
	for _, in := range r.Modal.Inputs {
		got = append(got, in.Label)
	}
	if strings.Join(got, "|") != strings.Join(labels, "|") {
		s.t.Errorf("the form %q asks %q, want %q", r.Modal.Title, got, labels)
	}
}

// answerPrivately answers the open round in a channel through the button
// "Privé antwoorden" and its form.
func (s e2e) answerPrivately(u discordtest.User, channel, text string) discordtest.Response {
	s.t.Helper()
	f := s.press(u, channel, "Privé antwoorden")
	s.form(f, "Ronde", "Je antwoord")
	return s.submit(u, channel, f, text)
}

// replyTo: someone replies to a message of the bot (a round's prompt),
// mentioning the bot so that it may read the text, and gets the bot's
// answer in their direct messages.
func (s e2e) replyTo(u discordtest.User, to discordtest.Message, text string) discordtest.Message {
	s.t.Helper()
	dm := s.fake.DMChannel(u)
	before := len(s.fake.Messages(dm))
	s.fake.Reply(u, to.ChannelID, to.ID, "<@"+s.a.BotID()+"> "+text)
	s.fake.Wait(s.t, u.Name+"'s answer to a reply", func() bool { return len(s.fake.Messages(dm)) > before })
	s.flush()
	return s.fake.Messages(dm)[before]
}

// neverSays checks that no message of the bot in channels contains want.
func (s e2e) neverSays(want string, channels ...string) {
	s.t.Helper()
	for _, c := range channels {
		if s.has(c, want) {
			s.t.Errorf("%s received %q:\n%s", c, want, s.transcript(c))
		}
	}
}

// responses is every answer the bot gave to an interaction: callbacks
// (ephemeral ones too), edits and follow-ups, forms included.
func (s e2e) responses() []discordtest.Response {
	seen := map[string]bool{}
	var out []discordtest.Response
	for _, c := range s.fake.Calls() {
		rest, ok := strings.CutPrefix(c.Path, "/api/v9/interactions/")
		if !ok {
			continue
		}
		id, _, _ := strings.Cut(rest, "/")
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, s.fake.Responses(&discordtest.Interaction{ID: id})...)
	}
	return out
}

// neverTogether checks that nothing the bot said anywhere — a message in
// channels, an interaction's answer, a form — holds both a and b: an
// anonymous answer and its writer's name, say.
func (s e2e) neverTogether(a, b string, channels ...string) {
	s.t.Helper()
	for _, c := range channels {
		for _, m := range s.fake.Messages(c) {
			if m.AuthorID == s.a.BotID() && strings.Contains(plain(m.Content), a) && strings.Contains(plain(m.Content), b) {
				s.t.Errorf("%s received %q beside %q:\n%s", c, a, b, plain(m.Content))
			}
		}
	}
	for _, r := range s.responses() {
		text := plain(r.Content)
		if r.Modal != nil {
			text += " " + fmt.Sprint(*r.Modal)
		}
		if strings.Contains(text, a) && strings.Contains(text, b) {
			s.t.Errorf("an interaction was answered with %q beside %q:\n%s", a, b, text)
		}
	}
}

func TestWholeProcessOnDiscord(t *testing.T) {
	s := newE2E(t)

	ilse := s.fake.AddUser("Ilse", "nl") // the facilitator
	// Bewoners Dorpsstraat: a channel of the street's server.
	wim, priya, sara, henk := s.fake.AddUser("Wim", "nl"), s.fake.AddUser("Priya", "nl"), s.fake.AddUser("Sara", "nl"), s.fake.AddUser("Henk", "nl")
	// Buurtnetwerk Welkom: a thread in the community centre's server.
	yusuf, els, daan := s.fake.AddUser("Yusuf", "nl"), s.fake.AddUser("Els", "nl"), s.fake.AddUser("Daan", "nl")
	// Gemeente en COA: a channel of their own server.
	marieke, thomas := s.fake.AddUser("Marieke", "nl"), s.fake.AddUser("Thomas", "nl")
	everybody := []discordtest.User{ilse, wim, priya, sara, henk, yusuf, els, daan, marieke, thomas}

	dorp := s.fake.AddGuild("Dorpsstraat")
	bewoners := s.fake.AddChannel(dorp, "bewoners")
	linde := s.fake.AddGuild("Buurthuis De Linde")
	lindeAlgemeen := s.fake.AddChannel(linde, "algemeen")
	welkom := s.fake.AddThread(lindeAlgemeen, "buurtnetwerk-welkom")
	gemeenteGuild := s.fake.AddGuild("Gemeente en COA")
	gemeente := s.fake.AddChannel(gemeenteGuild, "opvang-dorpsstraat")
	groups := []string{bewoners, welkom, gemeente}
	dm := func(u discordtest.User) string { return s.fake.DMChannel(u) }
	ilseDM := dm(ilse)

	// --- /new in a direct message; /link in each group's place. ---
	code := s.newProcess(ilse, "Opvang Dorpsstraat")
	for _, l := range []struct{ channel, group string }{
		{bewoners, "Bewoners Dorpsstraat"}, {welkom, "Buurtnetwerk Welkom"}, {gemeente, "Gemeente en COA"},
	} {
		r := s.command(ilse, l.channel, "link", text("code", code), text("group", l.group))
		s.answered(r, false, "Deze chat is nu de groep "+l.group+" in het samenlevingsproces Opvang Dorpsstraat.")
		s.says(l.channel, "Meedoen met "+l.group)
	}

	// --- Joining: the button under the rules; /join shows them again. ---
	join := func(u discordtest.User, channel, group string) {
		t.Helper()
		r := s.press(u, channel, "Ik stem in en doe mee")
		s.answered(r, true, "Welkom, "+u.Name+"! Je doet mee in "+group+" (Opvang Dorpsstraat).")
		s.says(channel, u.Name+" doet mee in "+group+". Welkom!")
	}
	for _, u := range []discordtest.User{wim, priya, sara} {
		join(u, bewoners, "Bewoners Dorpsstraat")
	}
	rules := len(s.fake.Messages(bewoners))
	r := s.command(henk, bewoners, "join")
	s.answered(r, false, "Meedoen met Bewoners Dorpsstraat")
	if len(s.fake.Messages(bewoners)) != rules+1 || buttonID(r.Components, "Ik stem in en doe mee") == "" {
		t.Errorf("/join did not show the rules again with their button:\n%s", s.transcript(bewoners))
	}
	join(henk, bewoners, "Bewoners Dorpsstraat")
	for _, u := range []discordtest.User{yusuf, els, daan} {
		join(u, welkom, "Buurtnetwerk Welkom")
	}
	for _, u := range []discordtest.User{marieke, thomas} {
		join(u, gemeente, "Gemeente en COA")
	}

	// --- Representatives: nominated with /rep and a person; each accepts
	// in their direct messages. They are installed when the 24-hour window
	// passes, below.
	nominate := func(u discordtest.User, channel, group string) {
		t.Helper()
		r := s.command(ilse, channel, "rep", discordtest.Option{Name: "person", Type: 6, Value: u.ID})
		s.answered(r, true, "Je hebt "+u.Name+" voorgedragen als vertegenwoordiger van "+group+".")
		s.says(channel, "De gespreksleider stelt "+u.Name+" voor als vertegenwoordiger van "+group+".")
		s.find(dm(u), "Neem je het aan?")
		s.press(u, dm(u), "Ik neem het aan")
		s.find(dm(u), "ben je daarna vertegenwoordiger")
	}
	nominate(wim, bewoners, "Bewoners Dorpsstraat")
	nominate(els, welkom, "Buurtnetwerk Welkom")
	nominate(marieke, gemeente, "Gemeente en COA")

	// --- Concerns, in every group at once: opened with a slash command in
	// the facilitator's direct messages.
	r = s.command(ilse, ilseDM, "round", text("kind", "concerns"), text("scope", "all"))
	s.answered(r, false, "Ronde 1 (Zorgen en ervaringen delen) is geopend in 3 chats.")
	const concerns = "Ronde 1 · Zorgen en ervaringen delen"
	s.saysAll(concerns, groups...)

	r = s.answerPrivately(wim, bewoners, "Ik woon tegenover de school. Ik hoorde het uit de krant, en dat raakt me.")
	s.answered(r, true, "je antwoord in ronde 1 (Zorgen en ervaringen delen) is ontvangen")
	s.contains(s.says(bewoners, concerns), "1 van 4 heeft geantwoord · 0 gepast")
	r = s.command(henk, bewoners, "pass")
	s.answered(r, true, "Je past in ronde 1 (Zorgen en ervaringen delen).")
	s.contains(s.says(bewoners, concerns), "1 van 4 heeft geantwoord · 1 gepast")
	// Priya answers as the round's message suggests: with a reply to it,
	// mentioning the bot so that it may read her text.
	got := s.replyTo(priya, s.says(bewoners, concerns), "Mijn kinderen fietsen hier langs. Ik wil weten wie er komt.")
	s.contains(got, "je antwoord in ronde 1 (Zorgen en ervaringen delen) is ontvangen")
	s.answerPrivately(sara, bewoners, "Ik durf in de buurtapp niet te zeggen dat ik er niet op tegen ben.")
	s.contains(s.says(bewoners, concerns), "3 van 4 hebben geantwoord · 1 gepast")

	// Thomas writes markdown and "@everyone": it must arrive as he typed
	// it, and ping nobody.
	const thomasSaid = "Bij eerdere locaties werkte een klankbordgroep met buren goed. Zeg het tegen @everyone, en **vet** graag."
	s.answerPrivately(marieke, gemeente, "We hebben fouten gemaakt in de communicatie.")
	s.answerPrivately(thomas, gemeente, thomasSaid)
	s.contains(s.says(gemeente, concerns), "2 van 2 hebben geantwoord · 0 gepast")

	s.answerPrivately(yusuf, welkom, "Ik hoor dingen over 'die mensen' die over mij gaan.")
	s.answered(s.command(els, welkom, "pass"), true, "Je past in ronde 1")

	// Daan answers anonymously, through the other button and its form.
	const anonymous = "Ik ben zelf ook bang dat het uit de hand loopt, en dat zeg ik liever niet hardop."
	inThread := len(s.fake.Messages(welkom))
	f := s.press(daan, welkom, "Anoniem antwoorden")
	s.form(f, "Ronde 1", "Je anonieme antwoord")
	r = s.submit(daan, welkom, f, anonymous)
	s.answered(r, true, "Je antwoord in ronde 1 (Zorgen en ervaringen delen) is anoniem opgeslagen.")
	s.contains(s.says(welkom, concerns), "2 van 3 hebben geantwoord · 1 gepast")
	if n := len(s.fake.Messages(welkom)); n != inThread {
		t.Errorf("the thread got %d messages about Daan's anonymous answer:\n%s", n-inThread, s.transcript(welkom))
	}
	everywhere := []string{bewoners, lindeAlgemeen, welkom, gemeente}
	for _, u := range everybody {
		everywhere = append(everywhere, dm(u))
	}
	s.neverSays(anonymous, everywhere...)

	// The nomination windows pass: the representatives are installed.
	s.advance(24 * time.Hour)
	s.says(bewoners, "Wim is nu vertegenwoordiger van Bewoners Dorpsstraat.")
	s.says(welkom, "Els is nu vertegenwoordiger van Buurtnetwerk Welkom.")
	s.says(gemeente, "Marieke is nu vertegenwoordiger van Gemeente en COA.")
	s.find(dm(wim), "Je bent nu vertegenwoordiger van Bewoners Dorpsstraat.")

	// /status, from the facilitator: every group is on Discord.
	s.answered(s.command(ilse, ilseDM, "status"), false,
		"Opvang Dorpsstraat · code "+code,
		"Bewoners Dorpsstraat (Discord): 4 deelnemers",
		"Buurtnetwerk Welkom (Discord): 3 deelnemers",
		"Gemeente en COA (Discord): 2 deelnemers")

	// The facilitator closes the round by typing in the direct messages,
	// sees the summary first (the anonymous answer without a name) and
	// shares it with every group.
	s.dm(ilse, "/close 1")
	s.saysAll("Ronde 1 is gesloten. Dank jullie wel. De gespreksleider deelt zo de samenvatting.", groups...)
	summary := s.find(ilseDM, "Samenvatting ronde 1 · Zorgen en ervaringen delen")
	s.contains(summary, "Een deelnemer: "+anonymous, "Priya: Mijn kinderen fietsen hier langs.")
	s.answered(s.press(ilse, ilseDM, "Goedkeuren en delen"), false,
		"De samenvatting van ronde 1 is gedeeld met Bewoners Dorpsstraat, Buurtnetwerk Welkom, Gemeente en COA.")
	for _, c := range groups {
		relay := s.says(c, "Wat er gezegd is in ronde 1 · Zorgen en ervaringen delen")
		s.contains(relay,
			"Bewoners Dorpsstraat — 3 van 4 antwoordden, 1 gepast",
			"Wim: Ik woon tegenover de school.",
			"Priya: Mijn kinderen fietsen hier langs.",
			"Sara: Ik durf in de buurtapp",
			"Buurtnetwerk Welkom — 2 van 3 antwoordden, 1 gepast",
			"Yusuf: Ik hoor dingen over 'die mensen'",
			"Een deelnemer: "+anonymous,
			"Thomas: "+thomasSaid)
		// "**vet**" is escaped, so shown as typed, not in bold.
		if !strings.Contains(relay.Content, `\*\*vet\*\*`) {
			t.Errorf("Thomas's **vet** is not escaped in %s:\n%s", c, relay.Content)
		}
	}
	s.neverTogether(anonymous, "Daan", everywhere...)

	// --- A proposal, and the first consent round. ---
	const version1 = "Op de Dorpsstraat komt een opvang voor maximaal 120 mensen, voor twee jaar, met een klankbordgroep van buren die elke maand bijeenkomt."
	s.command(ilse, ilseDM, "propose", text("text", version1))
	s.saysAll(version1, groups...)
	s.dm(ilse, "/consent 1")
	const consent1 = "Ronde 2 · Instemming met voorstel 1, versie 1"
	s.saysAll(consent1, groups...)
	vote := func(u discordtest.User, channel, choice string) discordtest.Response {
		t.Helper()
		return s.press(u, channel, choice)
	}

	s.answered(vote(wim, bewoners, "Ik stem in"), true, "Genoteerd: Ik stem in.")
	f = vote(priya, bewoners, "Ik stem in, met een zorg")
	s.form(f, "", "Je zorg")
	s.answered(s.submit(priya, bewoners, f, "Ik kan ermee leven, maar start met minder mensen."), true, "Genoteerd: Ik stem in, met een zorg.")
	vote(sara, bewoners, "Ik stem in")

	// Henk has an overwegend bezwaar: four questions in one form.
	f = vote(henk, bewoners, "Ik heb een overwegend bezwaar")
	if f.Modal == nil || len(f.Modal.Inputs) != 4 {
		t.Fatalf("the objection button gave %+v, want a form with four fields", f)
	}
	r = s.submit(henk, bewoners, f,
		"maximaal 120 mensen vanaf dag één",
		"De school en de straat raken overvol en de onrust groeit.",
		"Begin met 60, en verhoog pas na een evaluatie door de klankbordgroep.",
		"Als er na drie maanden meer klachten zijn dan nu.")
	s.answered(r, true, "Je overwegend bezwaar is genoteerd (nummer 1).")
	s.contains(s.find(ilseDM, "Overwegend bezwaar 1 van Henk (Bewoners Dorpsstraat, voorstel 1, versie 1)"),
		"Welk deel: maximaal 120 mensen vanaf dag één")
	s.contains(s.says(bewoners, consent1), "4 van 4 hebben gereageerd (nodig: 3) · 2 ik stem in · 1 met een zorg · 1 overwegend bezwaar")

	for _, u := range []discordtest.User{yusuf, els, daan} {
		vote(u, welkom, "Ik stem in")
	}
	for _, u := range []discordtest.User{marieke, thomas} {
		vote(u, gemeente, "Ik stem in")
	}
	s.command(ilse, ilseDM, "close", text("round", "2"))
	s.contains(s.says(bewoners, consent1), "Uitkomst: overwegend bezwaar.")
	s.contains(s.says(welkom, consent1), "Uitkomst: ingestemd.")
	s.contains(s.says(gemeente, consent1), "Uitkomst: ingestemd.")
	for _, c := range groups {
		outcome := s.says(c, "Uitkomst van ronde 2: voorstel 1, versie 1")
		s.contains(outcome,
			"Bewoners Dorpsstraat: overwegend bezwaar — 4 van 4 reageerden; 2 ik stem in, 1 met een zorg, 1 overwegend bezwaar",
			"Buurtnetwerk Welkom: ingestemd — 3 van 3 reageerden",
			"Gemeente en COA: ingestemd — 2 van 2 reageerden",
			"Zorg (Bewoners Dorpsstraat): Ik kan ermee leven, maar start met minder mensen.",
			"Overwegend bezwaar 1 (Bewoners Dorpsstraat, voorstel 1, versie 1)",
			"Welk deel: maximaal 120 mensen vanaf dag één")
		if strings.Contains(plain(outcome.Content), "Henk") || strings.Contains(plain(outcome.Content), "Priya") {
			t.Errorf("the outcome in %s names who objected or worried:\n%s", c, plain(outcome.Content))
		}
	}
	s.neverSays("Henk", welkom, gemeente)
	r = s.command(wim, bewoners, "confirm", number("proposal", 1))
	s.answered(r, true, "Bevestigen kan nog niet: in je groep staat nog een overwegend bezwaar open")

	// --- Integration: Marieke, a representative, amends; the facilitator
	// calls it substantive and gives the reason in a form; Henk and
	// Marieke find it resolves the objection.
	const version2 = "Op de Dorpsstraat komt een opvang die start met 60 mensen; na drie maanden besluit de klankbordgroep over uitbreiding naar 120."
	s.command(marieke, dm(marieke), "amend", number("proposal", 1), text("text", version2))
	s.find(ilseDM, "Marieke stelt versie 2 van voorstel 1 voor")
	f = s.press(ilse, ilseDM, "Inhoudelijk")
	if f.Modal == nil || len(f.Modal.Inputs) != 1 {
		t.Fatalf("\"Inhoudelijk\" gave %+v, want a form asking why", f)
	}
	s.answered(s.submit(ilse, ilseDM, f, "Het aantal mensen verandert; daarover beslist iedere groep opnieuw."), false,
		"Versie 2 van voorstel 1 is vastgelegd als inhoudelijke wijziging en gedeeld.")
	s.saysAll("Voorstel 1, versie 2 (inhoudelijke wijziging, van Marieke)", groups...)
	s.saysAll("Waarom: Het aantal mensen verandert; daarover beslist iedere groep opnieuw.", groups...)
	s.find(dm(henk), "Lost die jouw overwegend bezwaar (1) op?")
	s.press(henk, dm(henk), "Opgelost met versie 2")
	s.find(dm(marieke), "Lost die overwegend bezwaar 1 op")
	s.press(marieke, dm(marieke), "Opgelost met versie 2")
	s.find(ilseDM, "Het overwegend bezwaar 1 van Henk is opgelost met versie 2 van voorstel 1.")

	// --- The second consent round passes everywhere. ---
	const consent2 = "Ronde 3 · Instemming met voorstel 1, versie 2"
	s.saysAll(consent2, groups...)
	for _, u := range []discordtest.User{wim, sara, henk} {
		vote(u, bewoners, "Ik stem in")
	}
	for _, u := range []discordtest.User{yusuf, els, daan} {
		vote(u, welkom, "Ik stem in")
	}
	for _, u := range []discordtest.User{marieke, thomas} {
		vote(u, gemeente, "Ik stem in")
	}
	s.dm(ilse, "/close 3")
	for _, c := range groups {
		s.contains(s.says(c, consent2), "Uitkomst: ingestemd.")
		s.contains(s.says(c, "Uitkomst van ronde 3: voorstel 1, versie 2"),
			"Bewoners Dorpsstraat: ingestemd — 3 van 4 reageerden",
			"Buurtnetwerk Welkom: ingestemd — 3 van 3 reageerden",
			"Gemeente en COA: ingestemd — 2 van 2 reageerden")
	}

	// --- The representatives confirm (button, /confirm, button); the
	// proposal is adopted, and /plan shows it.
	s.find(dm(wim), "Bewoners Dorpsstraat stemt in met voorstel 1, versie 2")
	s.press(wim, dm(wim), "Bevestig voor Bewoners Dorpsstraat")
	s.says(bewoners, "Wim bevestigt namens Bewoners Dorpsstraat de instemming met voorstel 1, versie 2 (1 van 3 groepen).")
	r = s.command(els, welkom, "confirm", number("proposal", 1))
	s.answered(r, true, "Je hebt namens Buurtnetwerk Welkom bevestigd: voorstel 1, versie 2.")
	s.says(welkom, "Els bevestigt namens Buurtnetwerk Welkom de instemming met voorstel 1, versie 2 (2 van 3 groepen).")
	s.find(dm(marieke), "Gemeente en COA stemt in met voorstel 1, versie 2")
	s.press(marieke, dm(marieke), "Bevestig voor Gemeente en COA")
	for _, c := range groups {
		s.contains(s.says(c, "Voorstel 1 (versie 2) is aangenomen."),
			version2,
			"Bevestigd door: Wim (Bewoners Dorpsstraat), Els (Buurtnetwerk Welkom), Marieke (Gemeente en COA)")
	}
	for _, p := range []struct {
		u       discordtest.User
		channel string
	}{{thomas, gemeente}, {yusuf, welkom}, {sara, bewoners}} {
		s.answered(s.command(p.u, p.channel, "plan"), false,
			"Het plan van Opvang Dorpsstraat", "Afgesproken — voorstel 1, versie 2", version2)
		s.says(p.channel, "Het plan van Opvang Dorpsstraat")
	}

	// --- Throughout: ---
	// the anonymous answer never came beside Daan's name;
	s.neverTogether(anonymous, "Daan", everywhere...)
	// nor in any request the bot made;
	for _, c := range s.fake.Calls() {
		if strings.Contains(c.Body, anonymous) && (strings.Contains(c.Body, daan.ID) || strings.Contains(c.Body, "Daan")) {
			t.Errorf("the bot sent the anonymous answer with Daan's id or name: %s %s\n%s", c.Method, c.Path, c.Body)
		}
	}
	// the thread's parent channel got nothing;
	if msgs := s.fake.Messages(lindeAlgemeen); len(msgs) != 0 {
		t.Errorf("the thread's parent channel got %d messages:\n%s", len(msgs), s.transcript(lindeAlgemeen))
	}
	// no message of the bot could ping anyone — in a channel, a thread, a
	// direct message or an ephemeral answer — and "@everyone" in the
	// relayed summary is text;
	pings := func(m discordtest.Message) {
		t.Helper()
		if !m.HasAllowedMentions || len(m.AllowedMentionsParse) != 0 || m.PingsEveryone {
			t.Errorf("message %s in %s may ping (allowed_mentions set: %v, parse %q, pings everyone: %v):\n%s",
				m.ID, m.ChannelID, m.HasAllowedMentions, m.AllowedMentionsParse, m.PingsEveryone, plain(m.Content))
		}
		if m.Flags&int(discordgo.MessageFlagsSuppressEmbeds) == 0 {
			t.Errorf("message %s in %s gets link previews (flags %d):\n%s", m.ID, m.ChannelID, m.Flags, plain(m.Content))
		}
	}
	for _, c := range everywhere {
		for _, m := range s.fake.Messages(c) {
			if m.AuthorID == s.a.BotID() {
				pings(m)
			}
		}
	}
	for _, r := range s.responses() {
		if m, ok := s.fake.Message(r.MessageID); ok && r.MessageID != "" {
			pings(m)
		}
	}
	for _, c := range groups {
		if m := s.says(c, "Thomas: "+thomasSaid); m.PingsEveryone {
			t.Errorf("the summary in %s pings everyone", c)
		}
	}
	// and Discord refused nothing.
	var refused []string
	for _, c := range s.fake.Calls() {
		if c.Status >= 400 {
			refused = append(refused, fmt.Sprintf("%s %s → %d: %s", c.Method, c.Path, c.Status, c.Body))
		}
	}
	sort.Strings(refused)
	if len(refused) > 0 {
		t.Errorf("Discord refused %d requests:\n%s", len(refused), strings.Join(refused, "\n"))
	}
}
