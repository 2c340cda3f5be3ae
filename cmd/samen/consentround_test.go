package main

import (
	"regexp"
	"testing"

	"github.com/samen-bot/samen/bot/telegram/telegramtest"
)

// openConsentRound has fay make a process titled title through the running
// bot, link group and other, let members join group and Dirk join other (a
// process has at least two groups), and open a consent round on one
// proposal. It returns the round's message in group and how many presses
// had been answered by then.
func openConsentRound(t *testing.T, fake *telegramtest.Server, fay telegramtest.User, title string,
	group, other telegramtest.Chat, members []telegramtest.User) (prompt telegramtest.Sent, answered int) {
	t.Helper()
	dirk := telegramtest.User{ID: 604, FirstName: "Dirk", LanguageCode: "nl"}
	fake.AddChat(telegramtest.Private(fay))
	fake.Message(fay, telegramtest.Private(fay), "/new "+title)
	code := regexp.MustCompile(`De code is ([A-Z0-9]{6})`).FindStringSubmatch(waitSaid(t, fake, fay.ID, "De code is").Plain)
	if code == nil {
		t.Fatal("no process code")
	}
	for _, g := range []telegramtest.Chat{group, other} {
		fake.AddChat(g)
		fake.Message(fay, g, "/link "+code[1]+" "+g.Title)
	}
	join := func(g telegramtest.Chat, u telegramtest.User) {
		rules := waitSaid(t, fake, g.ID, "Meedoen met "+g.Title)
		fake.AddChat(telegramtest.Private(u))
		fake.PressButton(t, u, g.ID, rules.MessageID, "Ik stem in en doe mee")
	}
	for _, u := range members {
		join(group, u)
	}
	join(other, dirk)
	answered = len(members) + 1
	fake.Wait(t, "everyone joined", func() bool { return len(fake.CallbackAnswers()) == answered })
	fake.Message(fay, telegramtest.Private(fay), "/propose De bank op het plein blijft staan.")
	fake.Message(fay, telegramtest.Private(fay), "/consent 1")
	return waitSaid(t, fake, group.ID, "Instemming met voorstel 1"), answered
}
