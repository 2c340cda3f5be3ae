package telegram

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot/telegram/telegramtest"
)

// End-to-end: the core, this adapter and the real go-telegram/bot client
// against the fake Bot API, driven like a script (see harness_test.go).

// room is where a group of the process talks: a chat, or one topic of a
// forum (thread ≠ 0).
type room struct {
	chat   telegramtest.Chat
	thread int
}

func (r room) id() int64 { return r.chat.ID }

// opts places a message in the room's topic, if it has one.
func (r room) opts(extra ...telegramtest.MsgOption) []telegramtest.MsgOption {
	if r.thread != 0 {
		extra = append([]telegramtest.MsgOption{telegramtest.InThread(r.thread)}, extra...)
	}
	return extra
}

// e2e drives the harness like a script: people type in rooms and private
// chats and press buttons under the bot's messages; the test looks at what
// each chat received.
type e2e struct {
	*harness
	t *testing.T
}

func newE2E(t *testing.T) e2e { return e2e{harness: newHarness(t, harnessOptions{}), t: t} }

func person(id int64, name string) telegramtest.User {
	return telegramtest.User{ID: id, FirstName: name, LanguageCode: "nl"}
}

// in: someone types text in a room; it returns the message's id.
func (s e2e) in(u telegramtest.User, r room, text string, opts ...telegramtest.MsgOption) int {
	s.t.Helper()
	return s.say(u, r.chat, text, r.opts(opts...)...)
}

// replyTo: someone replies to a message of the bot (a round's prompt) in a
// room.
func (s e2e) replyTo(u telegramtest.User, r room, to telegramtest.Sent, text string) {
	s.t.Helper()
	if to.ChatID != r.id() {
		s.t.Fatalf("%s replies in chat %d to a message in chat %d", u.FirstName, r.id(), to.ChatID)
	}
	s.in(u, r, text, telegramtest.ReplyTo(to.MessageID))
}

// privately: someone writes to the bot in their private chat.
func (s e2e) privately(u telegramtest.User, text string) {
	s.t.Helper()
	s.say(u, telegramtest.Private(u), text)
}

// pressUnder: someone presses the button labelled label under the bot's
// last message in chat that contains text.
func (s e2e) pressUnder(u telegramtest.User, chat int64, text, label string) {
	s.t.Helper()
	s.press(u, chat, s.find(chat, text).MessageID, label)
}

// lastAnswer is the bot's answer to the last button press.
func (s e2e) lastAnswer() telegramtest.CallbackAnswer {
	s.t.Helper()
	answers := s.fake.CallbackAnswers()
	if len(answers) == 0 {
		s.t.Fatal("no button press was answered")
	}
	return answers[len(answers)-1]
}

// deepLink checks that a button press was answered with a link into the
// private chat, as for someone who never started the bot, and returns the
// link's start payload.
func (s e2e) deepLink(a telegramtest.CallbackAnswer) string {
	s.t.Helper()
	payload, ok := strings.CutPrefix(a.URL, "https://t.me/"+s.a.Username()+"?start=")
	if !ok || payload == "" {
		s.t.Fatalf("the button press was answered %+v, want a t.me link with a start payload", a)
	}
	if !strings.Contains(a.Text, "Ik kan je nog geen privébericht sturen") {
		s.t.Errorf("the deep link came with the text %q", a.Text)
	}
	return payload
}

// says checks that the bot said want in a room, in the room's topic, and
// returns its last message saying it.
func (s e2e) says(r room, want string) telegramtest.Sent {
	s.t.Helper()
	m := s.find(r.id(), want)
	if m.ThreadID != r.thread {
		s.t.Errorf("the bot said %q in topic %d of chat %d, want topic %d", want, m.ThreadID, r.id(), r.thread)
	}
	return m
}

// saysAll checks that every room received want.
func (s e2e) saysAll(want string, rooms ...room) {
	s.t.Helper()
	for _, r := range rooms {
		s.says(r, want)
	}
}

// contains checks that a message holds every one of wants.
func (s e2e) contains(m telegramtest.Sent, wants ...string) {
	s.t.Helper()
	for _, want := range wants {
		if !strings.Contains(m.Plain, want) {
			s.t.Errorf("message %d in chat %d lacks %q:\n%s", m.MessageID, m.ChatID, want, m.Plain)
		}
	}
}

// neverSays checks that no message of the bot in chats contains want.
func (s e2e) neverSays(want string, chats ...int64) {
	s.t.Helper()
	for _, c := range chats {
		if s.has(c, want) {
			s.t.Errorf("chat %d received %q:\n%s", c, want, s.transcript(c))
		}
	}
}

// neverTogether checks that no message in chats holds both a and b: an
// anonymous answer and its writer's name, say.
func (s e2e) neverTogether(a, b string, chats ...int64) {
	s.t.Helper()
	for _, c := range chats {
		for _, m := range s.fake.Chat(c) {
			if strings.Contains(m.Plain, a) && strings.Contains(m.Plain, b) {
				s.t.Errorf("chat %d received %q beside %q:\n%s", c, a, b, m.Plain)
			}
		}
	}
}

// count is how many messages the bot has in a chat.
func (s e2e) count(chat int64) int { return len(s.fake.Chat(chat)) }

// transcript is everything the bot said in a chat, for failure messages.
func (s e2e) transcript(chat int64) string {
	var b strings.Builder
	for _, m := range s.fake.Chat(chat) {
		fmt.Fprintf(&b, "#%d (topic %d): %s\n", m.MessageID, m.ThreadID, m.Plain)
	}
	return b.String()
}

func TestWholeProcessOnTelegram(t *testing.T) {
	s := newE2E(t)
	atBot := "@" + s.a.Username()

	ilse := person(1001, "Ilse") // the facilitator
	// Bewoners Dorpsstraat: a basic group, upgraded to a supergroup half-way.
	wim, priya, sara, henk := person(1101, "Wim"), person(1102, "Priya"), person(1103, "Sara"), person(1104, "Henk")
	// Buurtnetwerk Welkom: one topic of the neighbourhood's forum. Daan
	// never started the bot.
	yusuf, els, daan := person(1201, "Yusuf"), person(1202, "Els"), person(1203, "Daan")
	// Gemeente en COA: a plain supergroup.
	marieke, thomas := person(1301, "Marieke"), person(1302, "Thomas")

	bewoners := room{chat: telegramtest.Chat{ID: -4101, Type: "group", Title: "Bewoners Dorpsstraat"}}
	const bewonersSupergroup = -1001000004101
	welkom := room{chat: telegramtest.Chat{ID: -1002000000202, Type: "supergroup", Title: "Buurthuis De Linde", IsForum: true}, thread: 77}
	gemeente := room{chat: telegramtest.Chat{ID: -1003000000303, Type: "supergroup", Title: "Gemeente en COA"}}

	// --- Set-up: everyone but Daan starts the bot; it is in the groups. ---
	for _, u := range []telegramtest.User{ilse, wim, priya, sara, henk, yusuf, els, marieke, thomas} {
		s.privately(u, "/start")
		s.find(u.ID, "Hallo "+u.FirstName+"! Ik ben Samen.")
	}
	s.fake.AddChat(bewoners.chat)
	s.fake.AddChat(welkom.chat)
	s.fake.BotAdded(marieke, gemeente.chat) // the bot introduces itself
	s.step()
	s.says(gemeente, "Dank je wel voor het toevoegen.")

	// --- /new, and /link in each group's chat, with and without @bot. ---
	code := s.newProcess(ilse, "Opvang Dorpsstraat")
	s.in(ilse, bewoners, "/link "+code+" Bewoners Dorpsstraat")
	s.in(ilse, welkom, "/link"+atBot+" "+code+" Buurtnetwerk Welkom")
	s.in(ilse, gemeente, "/link"+atBot+" "+code+" Gemeente en COA")
	s.says(bewoners, "Deze chat is nu de groep Bewoners Dorpsstraat in het samenlevingsproces Opvang Dorpsstraat.")
	s.says(welkom, "Deze chat is nu de groep Buurtnetwerk Welkom in het samenlevingsproces Opvang Dorpsstraat.")
	s.says(gemeente, "Deze chat is nu de groep Gemeente en COA in het samenlevingsproces Opvang Dorpsstraat.")

	// --- Joining: the button under the rules; /join shows them again. ---
	for _, u := range []telegramtest.User{wim, priya, sara} {
		s.pressUnder(u, bewoners.id(), "Meedoen met Bewoners Dorpsstraat", "Ik stem in en doe mee")
		s.says(bewoners, u.FirstName+" doet mee in Bewoners Dorpsstraat. Welkom!")
		s.find(u.ID, "Welkom, "+u.FirstName+"! Je doet mee in Bewoners Dorpsstraat (Opvang Dorpsstraat).")
	}
	rules := s.count(bewoners.id())
	s.in(henk, bewoners, "/join")
	if s.count(bewoners.id()) != rules+1 {
		t.Fatalf("/join did not show the rules again:\n%s", s.transcript(bewoners.id()))
	}
	s.pressUnder(henk, bewoners.id(), "Meedoen met Bewoners Dorpsstraat", "Ik stem in en doe mee")
	s.says(bewoners, "Henk doet mee in Bewoners Dorpsstraat. Welkom!")
	for _, u := range []telegramtest.User{yusuf, els} {
		s.pressUnder(u, welkom.id(), "Meedoen met Buurtnetwerk Welkom", "Ik stem in en doe mee")
		s.says(welkom, u.FirstName+" doet mee in Buurtnetwerk Welkom. Welkom!")
	}
	// Daan joins too; his welcome cannot reach him, so the button answers
	// with a link to open the private chat. He does not follow it (yet).
	s.pressUnder(daan, welkom.id(), "Meedoen met Buurtnetwerk Welkom", "Ik stem in en doe mee")
	s.says(welkom, "Daan doet mee in Buurtnetwerk Welkom. Welkom!")
	s.deepLink(s.lastAnswer())
	for _, u := range []telegramtest.User{marieke, thomas} {
		s.pressUnder(u, gemeente.id(), "Meedoen met Gemeente en COA", "Ik stem in en doe mee")
		s.says(gemeente, u.FirstName+" doet mee in Gemeente en COA. Welkom!")
	}

	// --- Representatives: nominated by a reply to their own message (which
	// the bot, in privacy mode, never received) or by name; each accepts in
	// their private chat. They are installed when the 24-hour window passes,
	// below, after Bewoners Dorpsstraat has moved.
	upd, wimSaid := s.fake.Message(wim, bewoners.chat, "Ik wil dit wel doen.")
	if upd != 0 {
		t.Fatal("in privacy mode the bot received a plain message in a group")
	}
	s.in(ilse, bewoners, "/rep", telegramtest.ReplyTo(wimSaid))
	s.says(bewoners, "De gespreksleider stelt Wim voor als vertegenwoordiger van Bewoners Dorpsstraat.")
	s.pressUnder(wim, wim.ID, "Neem je het aan?", "Ik neem het aan")
	s.find(wim.ID, "ben je daarna vertegenwoordiger")

	_, elsSaid := s.fake.Message(els, welkom.chat, "Ik doe het graag.", welkom.opts()...)
	s.in(ilse, welkom, "/rep"+atBot, telegramtest.ReplyTo(elsSaid))
	s.says(welkom, "De gespreksleider stelt Els voor als vertegenwoordiger van Buurtnetwerk Welkom.")
	s.pressUnder(els, els.ID, "Neem je het aan?", "Ik neem het aan")

	s.in(ilse, gemeente, "/rep Marieke")
	s.says(gemeente, "De gespreksleider stelt Marieke voor als vertegenwoordiger van Gemeente en COA.")
	s.pressUnder(marieke, marieke.ID, "Neem je het aan?", "Ik neem het aan")

	// --- Concerns, in every group at once. ---
	s.privately(ilse, "/round concerns all")
	rooms := []room{bewoners, welkom, gemeente}
	const concerns = "Ronde 1 · Zorgen en ervaringen delen"
	s.saysAll(concerns, rooms...)
	s.replyTo(wim, bewoners, s.says(bewoners, concerns), "Ik woon tegenover de school. Ik hoorde het uit de krant, en dat raakt me.")
	s.find(wim.ID, "je antwoord in ronde 1 (Zorgen en ervaringen delen) is ontvangen")
	s.contains(s.says(bewoners, concerns), "1 van 4 heeft geantwoord · 0 gepast")

	// Half-way through the round, Bewoners Dorpsstraat becomes a supergroup.
	// From now on the bot posts there, and what people do there counts: the
	// round's prompt is posted there at once, with its progress so far.
	oldBewoners := bewoners.id()
	s.fake.Migrate(bewoners.chat, bewonersSupergroup)
	s.step()
	bewoners = room{chat: telegramtest.Chat{ID: bewonersSupergroup, Type: "supergroup", Title: "Bewoners Dorpsstraat"}}
	rooms = []room{bewoners, welkom, gemeente}
	sentToOld := s.count(oldBewoners)
	s.contains(s.says(bewoners, concerns), "1 van 4 heeft geantwoord · 0 gepast")

	s.in(henk, bewoners, "/pass")
	s.find(henk.ID, "Je past in ronde 1 (Zorgen en ervaringen delen).")
	prompt := s.says(bewoners, concerns)
	s.contains(prompt, "1 van 4 heeft geantwoord · 1 gepast")
	if len(prompt.Buttons) == 0 {
		t.Errorf("the round's prompt came to the supergroup without its buttons")
	}
	s.replyTo(priya, bewoners, prompt, "Mijn kinderen fietsen hier langs. Ik wil weten wie er komt.")
	s.press(sara, bewoners.id(), prompt.MessageID, "Privé antwoorden")
	s.find(sara.ID, "Stuur je antwoord hier")
	s.privately(sara, "Ik durf in de buurtapp niet te zeggen dat ik er niet op tegen ben.")
	s.find(sara.ID, "je antwoord in ronde 1 (Zorgen en ervaringen delen) is ontvangen")
	s.contains(s.says(bewoners, concerns), "3 van 4 hebben geantwoord · 1 gepast")

	s.replyTo(marieke, gemeente, s.says(gemeente, concerns), "We hebben fouten gemaakt in de communicatie.")
	s.replyTo(thomas, gemeente, s.says(gemeente, concerns), "Bij eerdere locaties werkte een klankbordgroep met buren goed.")
	s.contains(s.says(gemeente, concerns), "2 van 2 hebben geantwoord · 0 gepast")

	s.replyTo(yusuf, welkom, s.says(welkom, concerns), "Ik hoor dingen over 'die mensen' die over mij gaan.")
	s.in(els, welkom, "/pass"+atBot)

	// Daan answers anonymously. He never started the bot, so the button
	// answers with a link to the private chat that carries the button…
	const anonymous = "Ik ben zelf ook bang dat het uit de hand loopt, en dat zeg ik liever niet hardop."
	inTopic := s.count(welkom.id())
	s.press(daan, welkom.id(), s.says(welkom, concerns).MessageID, "Anoniem antwoorden")
	payload := s.deepLink(s.lastAnswer())
	// … which he follows: Telegram sends "/start <payload>", and the
	// anonymous answer goes on in the private chat.
	s.privately(daan, "/start "+payload)
	s.find(daan.ID, "Stuur je antwoord hier als gewoon bericht. Het wordt anoniem opgeslagen")
	s.privately(daan, anonymous)
	s.find(daan.ID, "Je antwoord in ronde 1 (Zorgen en ervaringen delen) is anoniem opgeslagen.")
	s.contains(s.says(welkom, concerns), "2 van 3 hebben geantwoord · 1 gepast")
	if s.count(welkom.id()) != inTopic {
		t.Errorf("the topic got a message about Daan's anonymous answer:\n%s", s.transcript(welkom.id()))
	}
	everyone := []int64{bewoners.id(), welkom.id(), gemeente.id(), ilse.ID, wim.ID, priya.ID, sara.ID, henk.ID, yusuf.ID, els.ID, marieke.ID, thomas.ID}
	s.neverSays(anonymous, everyone...)

	// The nomination windows pass: the representatives are installed, and
	// Bewoners Dorpsstraat hears it in its new chat.
	s.advance(24 * time.Hour)
	s.says(bewoners, "Wim is nu vertegenwoordiger van Bewoners Dorpsstraat.")
	s.says(welkom, "Els is nu vertegenwoordiger van Buurtnetwerk Welkom.")
	s.says(gemeente, "Marieke is nu vertegenwoordiger van Gemeente en COA.")
	s.find(wim.ID, "Je bent nu vertegenwoordiger van Bewoners Dorpsstraat.")

	// The facilitator closes the round, sees the summary first (the
	// anonymous answer without a name) and shares it with every group.
	s.privately(ilse, "/close 1")
	s.saysAll("Ronde 1 is gesloten. Dank jullie wel. De gespreksleider deelt zo de samenvatting.", rooms...)
	summary := s.find(ilse.ID, "Samenvatting ronde 1 · Zorgen en ervaringen delen")
	s.contains(summary, "Een deelnemer: "+anonymous)
	s.press(ilse, ilse.ID, summary.MessageID, "Goedkeuren en delen")
	for _, r := range rooms {
		s.contains(s.says(r, "Wat er gezegd is in ronde 1 · Zorgen en ervaringen delen"),
			"Bewoners Dorpsstraat — 3 van 4 antwoordden, 1 gepast",
			"Wim: Ik woon tegenover de school.",
			"Priya: Mijn kinderen fietsen hier langs.",
			"Sara: Ik durf in de buurtapp",
			"Buurtnetwerk Welkom — 2 van 3 antwoordden, 1 gepast",
			"Yusuf: Ik hoor dingen over 'die mensen'",
			"Een deelnemer: "+anonymous,
			"Thomas: Bij eerdere locaties werkte een klankbordgroep")
	}
	s.neverTogether(anonymous, "Daan", everyone...)

	// --- A proposal, and the first consent round. ---
	const version1 = "Op de Dorpsstraat komt een opvang voor maximaal 120 mensen, voor twee jaar, met een klankbordgroep van buren die elke maand bijeenkomt."
	s.privately(ilse, "/propose "+version1)
	s.saysAll("Voorstel 1, versie 1 (van Ilse)", rooms...)
	s.saysAll(version1, rooms...)
	s.privately(ilse, "/consent 1")
	const consent1 = "Ronde 2 · Instemming met voorstel 1, versie 1"
	s.saysAll(consent1, rooms...)
	vote := func(u telegramtest.User, r room, round, choice string) {
		t.Helper()
		s.press(u, r.id(), s.says(r, round).MessageID, choice)
	}

	vote(wim, bewoners, consent1, "Ik stem in")
	// A consent press is answered over the chat, not by a private message
	// (those count against Telegram's 30 a second).
	if a := s.lastAnswer(); !strings.HasPrefix(a.Text, "Genoteerd: Ik stem in.") || a.ShowAlert {
		t.Errorf("Wim's consent press was answered %+v, want the confirmation as its notice", a)
	}
	s.neverSays("Genoteerd: Ik stem in.", wim.ID)
	vote(priya, bewoners, consent1, "Ik stem in, met een zorg")
	s.find(priya.ID, "Wat is je zorg?")
	s.privately(priya, "Ik kan ermee leven, maar start met minder mensen.")
	s.find(priya.ID, "Genoteerd: Ik stem in, met een zorg.")
	vote(sara, bewoners, consent1, "Ik stem in")

	// Henk has an overwegend bezwaar: four questions, answered privately.
	vote(henk, bewoners, consent1, "Ik heb een overwegend bezwaar")
	s.find(henk.ID, "Vraag 1 van 4:")
	s.privately(henk, "maximaal 120 mensen vanaf dag één")
	s.find(henk.ID, "Vraag 2 van 4:")
	s.privately(henk, "De school en de straat raken overvol en de onrust groeit.")
	s.find(henk.ID, "Vraag 3 van 4:")
	s.privately(henk, "Begin met 60, en verhoog pas na een evaluatie door de klankbordgroep.")
	s.find(henk.ID, "Vraag 4 van 4:")
	s.privately(henk, "Als er na drie maanden meer klachten zijn dan nu.")
	s.find(henk.ID, "Je overwegend bezwaar is genoteerd (nummer 1).")
	s.contains(s.find(ilse.ID, "Overwegend bezwaar 1 van Henk (Bewoners Dorpsstraat, voorstel 1, versie 1)"),
		"Welk deel: maximaal 120 mensen vanaf dag één")
	s.contains(s.says(bewoners, consent1), "4 van 4 hebben gereageerd (nodig: 3) · 2 ik stem in · 1 met een zorg · 1 overwegend bezwaar")

	for _, u := range []telegramtest.User{yusuf, els, daan} {
		vote(u, welkom, consent1, "Ik stem in")
	}
	if a := s.lastAnswer(); !strings.HasPrefix(a.Text, "Genoteerd: Ik stem in.") {
		t.Errorf("Daan's consent press was answered %+v", a)
	}
	for _, u := range []telegramtest.User{marieke, thomas} {
		vote(u, gemeente, consent1, "Ik stem in")
	}
	s.privately(ilse, "/close 2")
	s.contains(s.says(bewoners, consent1), "Uitkomst: overwegend bezwaar.")
	s.contains(s.says(welkom, consent1), "Uitkomst: ingestemd.")
	s.contains(s.says(gemeente, consent1), "Uitkomst: ingestemd.")
	for _, r := range rooms {
		outcome := s.says(r, "Uitkomst van ronde 2: voorstel 1, versie 1")
		s.contains(outcome,
			"Bewoners Dorpsstraat: overwegend bezwaar — 4 van 4 reageerden; 2 ik stem in, 1 met een zorg, 1 overwegend bezwaar",
			"Buurtnetwerk Welkom: ingestemd — 3 van 3 reageerden",
			"Gemeente en COA: ingestemd — 2 van 2 reageerden",
			"Zorg (Bewoners Dorpsstraat): Ik kan ermee leven, maar start met minder mensen.",
			"Overwegend bezwaar 1 (Bewoners Dorpsstraat, voorstel 1, versie 1)",
			"Welk deel: maximaal 120 mensen vanaf dag één")
		if strings.Contains(outcome.Plain, "Henk") || strings.Contains(outcome.Plain, "Priya") {
			t.Errorf("the outcome in chat %d names who objected or worried:\n%s", r.id(), outcome.Plain)
		}
	}
	s.neverSays("Henk", welkom.id(), gemeente.id())
	s.privately(wim, "/confirm 1")
	s.find(wim.ID, "Bevestigen kan nog niet: in je groep staat nog een overwegend bezwaar open")

	// --- Integration: Marieke, a representative, amends; the facilitator
	// calls it substantive; Henk and Marieke find it resolves the objection.
	const version2 = "Op de Dorpsstraat komt een opvang die start met 60 mensen; na drie maanden besluit de klankbordgroep over uitbreiding naar 120."
	s.privately(marieke, "/amend 1 "+version2)
	s.pressUnder(ilse, ilse.ID, "Marieke stelt versie 2 van voorstel 1 voor", "Inhoudelijk")
	s.find(ilse.ID, "Waarom is versie 2 van voorstel 1 een inhoudelijke wijziging?")
	s.privately(ilse, "Het aantal mensen verandert; daarover beslist iedere groep opnieuw.")
	s.saysAll("Voorstel 1, versie 2 (inhoudelijke wijziging, van Marieke)", rooms...)
	s.saysAll("Waarom: Het aantal mensen verandert; daarover beslist iedere groep opnieuw.", rooms...)
	s.pressUnder(henk, henk.ID, "Lost die jouw overwegend bezwaar (1) op?", "Opgelost met versie 2")
	s.pressUnder(marieke, marieke.ID, "Lost die overwegend bezwaar 1 op", "Opgelost met versie 2")
	s.find(ilse.ID, "Het overwegend bezwaar 1 van Henk is opgelost met versie 2 van voorstel 1.")

	// --- The second consent round passes everywhere. ---
	const consent2 = "Ronde 3 · Instemming met voorstel 1, versie 2"
	s.saysAll(consent2, rooms...)
	for _, u := range []telegramtest.User{wim, sara, henk} {
		vote(u, bewoners, consent2, "Ik stem in")
	}
	for _, u := range []telegramtest.User{yusuf, els, daan} {
		vote(u, welkom, consent2, "Ik stem in")
	}
	for _, u := range []telegramtest.User{marieke, thomas} {
		vote(u, gemeente, consent2, "Ik stem in")
	}
	s.privately(ilse, "/close 3")
	for _, r := range rooms {
		s.contains(s.says(r, consent2), "Uitkomst: ingestemd.")
		s.contains(s.says(r, "Uitkomst van ronde 3: voorstel 1, versie 2"),
			"Bewoners Dorpsstraat: ingestemd — 3 van 4 reageerden",
			"Buurtnetwerk Welkom: ingestemd — 3 van 3 reageerden",
			"Gemeente en COA: ingestemd — 2 van 2 reageerden")
	}

	// --- The representatives confirm (button, /confirm, button); the
	// proposal is adopted, and /plan shows it.
	s.pressUnder(wim, wim.ID, "Bewoners Dorpsstraat stemt in met voorstel 1, versie 2", "Bevestig voor Bewoners Dorpsstraat")
	s.says(bewoners, "Wim bevestigt namens Bewoners Dorpsstraat de instemming met voorstel 1, versie 2 (1 van 3 groepen).")
	s.privately(els, "/confirm 1")
	s.find(els.ID, "Je hebt namens Buurtnetwerk Welkom bevestigd: voorstel 1, versie 2.")
	s.pressUnder(marieke, marieke.ID, "Gemeente en COA stemt in met voorstel 1, versie 2", "Bevestig voor Gemeente en COA")
	for _, r := range rooms {
		s.contains(s.says(r, "Voorstel 1 (versie 2) is aangenomen."),
			version2,
			"Bevestigd door: Wim (Bewoners Dorpsstraat), Els (Buurtnetwerk Welkom), Marieke (Gemeente en COA)")
	}
	s.in(thomas, gemeente, "/plan"+atBot)
	s.contains(s.says(gemeente, "Het plan van Opvang Dorpsstraat"), "Afgesproken — voorstel 1, versie 2", version2)
	s.in(yusuf, welkom, "/plan")
	s.contains(s.says(welkom, "Het plan van Opvang Dorpsstraat"), "Afgesproken — voorstel 1, versie 2", version2)
	s.in(sara, bewoners, "/plan")
	s.contains(s.says(bewoners, "Het plan van Opvang Dorpsstraat"), "Afgesproken — voorstel 1, versie 2", version2)

	// --- Throughout: ---
	// the old basic group got nothing once it had moved;
	if n := s.count(oldBewoners); n != sentToOld {
		t.Errorf("the bot sent %d messages to the basic group after it became a supergroup:\n%s", n-sentToOld, s.transcript(oldBewoners))
	}
	// everything for Buurtnetwerk Welkom went to its topic, none to the
	// forum's other topics;
	for _, m := range s.fake.Chat(welkom.id()) {
		if m.ThreadID != welkom.thread {
			t.Errorf("message %d went to topic %d of the forum, not to the group's topic %d:\n%s", m.MessageID, m.ThreadID, welkom.thread, m.Plain)
		}
	}
	// and Telegram refused nothing but the two private messages to Daan
	// before he started the bot (his welcome, and the anonymous answer's
	// prompt): no HTML it could not parse, no send to the old group's id.
	var refused []string
	for _, c := range s.fake.FailedCalls() {
		if c.Status != 403 || c.Params["chat_id"] != fmt.Sprint(daan.ID) {
			t.Errorf("Telegram refused %s (%d): %v", c.Method, c.Status, c.Params)
		}
		refused = append(refused, c.Method)
	}
	if len(refused) != 2 {
		t.Errorf("Telegram refused %d calls, want the 2 to Daan: %v", len(refused), refused)
	}
}

// Commands in groups come as /cmd or /cmd@bot (Telegram adds the bot's name
// when a group has more than one bot, and menus insert it); both must work,
// in a group, a forum topic and a private chat, and a command for another
// bot must be left alone.
func TestCommandsWithAndWithoutBotName(t *testing.T) {
	s := newE2E(t)
	bot := s.a.Username()
	fay, ada := person(501, "Fay"), person(502, "Ada")
	s.privately(ada, "/start@"+bot)
	s.find(ada.ID, "Hallo Ada! Ik ben Samen.")
	s.say(fay, telegramtest.Private(fay), "/new@"+bot+" Zonnepark De Hoeve")
	code := codePattern.FindStringSubmatch(s.find(fay.ID, "De code is").Plain)
	if code == nil {
		t.Fatal("no process code in the reply to /new@bot")
	}

	group := room{chat: telegramtest.Chat{ID: -4001, Type: "group", Title: "Bewoners"}}
	topic := room{chat: telegramtest.Chat{ID: -1005000000005, Type: "supergroup", Title: "Dorp", IsForum: true}, thread: 12}
	s.fake.AddChat(group.chat)
	s.fake.AddChat(topic.chat)
	s.in(fay, group, "/link "+code[1]+" Bewoners")
	s.says(group, "Deze chat is nu de groep Bewoners")
	s.in(fay, topic, "/link@"+bot+" "+code[1]+" Omwonenden")
	s.says(topic, "Deze chat is nu de groep Omwonenden")

	for _, r := range []room{group, topic} {
		// /join and /join@bot both show the rules with the button.
		for _, cmd := range []string{"/join", "/join@" + bot} {
			n := s.count(r.id())
			s.in(ada, r, cmd)
			if s.count(r.id()) != n+1 || len(s.fake.Chat(r.id())[n].Buttons) == 0 {
				t.Errorf("%s in chat %d did not show the rules with the button:\n%s", cmd, r.id(), s.transcript(r.id()))
			}
		}
		// /status and /status@bot (any case) give the same answer.
		var answers []string
		for _, cmd := range []string{"/status", "/status@" + bot, "/status@" + strings.ToUpper(bot)} {
			s.in(fay, r, cmd)
			answers = append(answers, s.says(r, "Zonnepark De Hoeve · code").Plain)
		}
		if answers[0] != answers[1] || answers[0] != answers[2] {
			t.Errorf("/status with and without the bot's name differ:\n%s", strings.Join(answers, "\n---\n"))
		}
	}
	s.pressUnder(ada, group.id(), "Meedoen met Bewoners", "Ik stem in en doe mee")
	s.says(group, "Ada doet mee in Bewoners. Welkom!")

	// A command for another bot: in privacy mode Telegram does not even
	// deliver it…
	if upd, _ := s.fake.Message(ada, group.chat, "/status@some_other_bot"); upd != 0 {
		t.Error("the fake delivered a command for another bot in privacy mode")
	}
	// … but a bot that is an administrator receives every message: it must
	// not answer a command meant for another bot.
	n := s.count(group.id())
	s.fake.Raw(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":9001,"from":{"id":%d,"is_bot":false,"first_name":"Ada"},`+
		`"chat":{"id":%d,"type":"group","title":"Bewoners"},"date":%d,"text":"/status@some_other_bot",`+
		`"entities":[{"type":"bot_command","offset":0,"length":22}]}}`,
		s.fake.Confirmed()+1000, ada.ID, group.id(), s.clock().Unix()))
	s.step()
	if s.count(group.id()) != n {
		t.Errorf("the bot answered a command for another bot:\n%s", s.transcript(group.id()))
	}
}

// Someone who never started the bot cannot be messaged privately (Telegram
// answers 403). A button that answers privately then answers with a deep
// link that carries the button, which continues once they follow it; a
// command in a group that answers privately gets a reply in the group with a
// button to open the private chat. Neither shows anything private in the
// group.
func TestPrivateChatNotStartedYet(t *testing.T) {
	s := newE2E(t)
	fay := person(501, "Fay")
	ada, bo := person(502, "Ada"), person(503, "Bo") // neither started the bot
	s.privately(fay, "/start")
	code := s.newProcess(fay, "Zonnepark De Hoeve")
	group := room{chat: telegramtest.Chat{ID: -4001, Type: "group", Title: "Bewoners"}}
	topic := room{chat: telegramtest.Chat{ID: -1005000000005, Type: "supergroup", Title: "Dorp", IsForum: true}, thread: 12}
	s.fake.AddChat(group.chat)
	s.fake.AddChat(topic.chat)
	s.in(fay, group, "/link "+code+" Bewoners")
	s.in(fay, topic, "/link "+code+" Omwonenden")
	s.pressUnder(ada, group.id(), "Meedoen met Bewoners", "Ik stem in en doe mee")
	s.deepLink(s.lastAnswer()) // her welcome could not reach her
	s.says(group, "Ada doet mee in Bewoners. Welkom!")
	s.pressUnder(bo, topic.id(), "Meedoen met Omwonenden", "Ik stem in en doe mee")
	s.says(topic, "Bo doet mee in Omwonenden. Welkom!")

	// --- A button: "Privé antwoorden" under a round's prompt. ---
	s.privately(fay, "/round concerns all")
	prompt := s.says(group, "Ronde 1 · Zorgen en ervaringen delen")
	n := s.count(group.id())
	s.press(ada, group.id(), prompt.MessageID, "Privé antwoorden")
	answer := s.lastAnswer()
	if answer.Data != prompt.Buttons[0][0].CallbackData {
		t.Fatalf("the last answer is to %q, not to the button pressed", answer.Data)
	}
	payload := s.deepLink(answer)
	if s.count(group.id()) != n {
		t.Errorf("the group got a message about Ada's private answer:\n%s", s.transcript(group.id()))
	}
	if s.count(ada.ID) != 0 {
		t.Errorf("Ada's private chat, never started, has messages:\n%s", s.transcript(ada.ID))
	}
	// Following the link sends "/start <payload>": the button is pressed
	// again, in the private chat, and the answer goes on there.
	s.privately(ada, "/start "+payload)
	s.find(ada.ID, "Stuur je antwoord hier")
	s.privately(ada, "De weg naar de school wordt te druk.")
	s.find(ada.ID, "je antwoord in ronde 1 (Zorgen en ervaringen delen) is ontvangen")
	s.contains(s.says(group, "Ronde 1 · Zorgen en ervaringen delen"), "1 van 1 heeft geantwoord")
	s.neverSays("De weg naar de school", group.id(), topic.id(), fay.ID)

	// A link whose payload was tampered with opens nothing, and says so.
	before := s.count(ada.ID)
	s.privately(ada, "/start "+strings.ToUpper(payload))
	if msgs := s.fake.Chat(ada.ID); len(msgs) != before+1 || msgs[before].Plain != "Deze knop werkt niet meer. Met /status zie je wat er nu open is." {
		t.Errorf("a tampered deep link was answered:\n%s", s.transcript(ada.ID))
	}

	// --- A command: /timeout in a forum topic from Bo, who never started
	// the bot. The topic gets a reply with a button that opens the private
	// chat; the facilitators still hear of it.
	n = s.count(topic.id())
	cmd := s.in(bo, topic, "/timeout")
	if s.count(topic.id()) != n+1 {
		t.Fatalf("/timeout from someone who never started the bot: the topic got %d messages:\n%s", s.count(topic.id())-n, s.transcript(topic.id()))
	}
	open := s.says(topic, "Bo, ik kan je nog geen privébericht sturen.")
	if open.ReplyTo != cmd {
		t.Errorf("the explanation replies to message %d, want the command %d", open.ReplyTo, cmd)
	}
	if len(open.Buttons) != 1 || len(open.Buttons[0]) != 1 || open.Buttons[0][0].Text != "Open een privégesprek" ||
		!strings.HasPrefix(open.Buttons[0][0].URL, "https://t.me/"+s.a.Username()) {
		t.Errorf("the explanation's buttons are %+v, want one that opens the private chat", open.Buttons)
	}
	s.neverSays("time-out", topic.id()) // what Bo asked for stays private
	s.find(fay.ID, "Bo uit Omwonenden vraagt om een time-out.")
	if s.count(bo.ID) != 0 {
		t.Errorf("Bo's private chat, never started, has messages:\n%s", s.transcript(bo.ID))
	}
	// Once Bo has started the bot, the same command answers privately and
	// the topic gets nothing more.
	s.privately(bo, "/start")
	n = s.count(topic.id())
	s.in(bo, topic, "/timeout")
	s.find(bo.ID, "De gespreksleiders weten al dat je een time-out wilt.")
	if s.count(topic.id()) != n {
		t.Errorf("after Bo started the bot, /timeout still answered in the topic:\n%s", s.transcript(topic.id()))
	}
}
