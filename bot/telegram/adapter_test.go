package telegram

import (
	"strconv"
	"strings"
	"testing"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
)

// The command menus are registered per scope, in Dutch (also as the
// default) and English.
func TestCommandMenus(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	if err := h.a.setCommands(h.ctx); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		scope, lang, command, want string
	}{
		{"all_private_chats", "", "timeout", "De gespreksleiders privé om een time-out vragen"},
		{"all_private_chats", "en", "timeout", "Ask the facilitators privately for a time-out"},
		{"all_group_chats", "nl", "join", "Meedoen in deze groep"},
		{"all_chat_administrators", "nl", "nudge", "Wie nog niet antwoordde een herinnering sturen"},
		{"all_chat_administrators", "en", "link", "Link this chat as a group"},
	} {
		found := false
		for _, c := range h.fake.Commands(telegramtest.Scope{Type: tt.scope}, tt.lang) {
			if c.Command == tt.command {
				found = c.Description == tt.want
			}
		}
		if !found {
			t.Errorf("%s/%q: /%s is not %q", tt.scope, tt.lang, tt.command, tt.want)
		}
	}
	if got := h.fake.Commands(telegramtest.Scope{Type: "all_group_chats"}, "nl"); len(got) != len(groupCommands) {
		t.Errorf("%d group commands, want %d", len(got), len(groupCommands))
	}
}

// Removed from a linked chat, the bot tells the facilitators; added to a
// chat, it says what it is and how to link it.
func TestBotAddedAndRemoved(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, _ := twoGroups(h)
	h.fake.BotRemoved(fay, a)
	h.step()
	h.find(fay.ID, "Ik ben uit de chat van Tuinders (Buurtmoestuin) gehaald")
	fresh := telegramtest.Chat{ID: -4099, Type: "supergroup", Title: "Nieuw"}
	h.fake.AddChat(fresh)
	h.fake.BotAdded(fay, fresh)
	h.step()
	h.find(fresh.ID, "/link <code> <naam van de groep>")
}

// A button whose data was altered is refused with an alert, and changes
// nothing; photos and stickers as answers get a kind word.
func TestTamperedButtonsAndMedia(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, _ := twoGroups(h)
	h.join(ann, a)
	h.say(fay, a, "/round concerns")
	round := h.find(a.ID, "Ronde 1")
	data := round.Buttons[0][0].CallbackData
	forged := strings.Replace(data, "answer", "approve", 1)
	h.fake.Press(ann, a, round.MessageID, forged)
	h.step()
	answers := h.fake.CallbackAnswers()
	last := answers[len(answers)-1]
	if !last.ShowAlert || last.Text != "Deze knop werkt niet meer. Met /status zie je wat er nu open is." {
		t.Errorf("a forged button was answered %+v", last)
	}
	h.say(ann, a, "", telegramtest.ReplyTo(round.MessageID), telegramtest.Attachment("photo"))
	h.find(ann.ID, "Ik kan alleen tekst lezen")
	if got := h.find(a.ID, "Ronde 1").Plain; !strings.Contains(got, "0 van 1 hebben geantwoord") {
		t.Errorf("after a forged button and a photo: %q", got)
	}
}

// An edit that changes nothing is never sent: Telegram would refuse it.
func TestNoEmptyEdits(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, _ := twoGroups(h)
	h.say(fay, a, "/round concerns")
	round := h.find(a.ID, "Ronde 1")
	count := func() int {
		n := 0
		for _, c := range h.fake.Calls() {
			if c.Method == "editMessageText" {
				n++
			}
		}
		return n
	}
	before := count()
	text := bot.Rich{{Text: round.Plain}}
	out := bot.OutMessage{Chat: string(chatID(a.ID, 0)), Text: text, EditID: itoa(round.MessageID)}
	for range 2 {
		if _, err := h.a.Deliver(h.ctx, out); err != nil {
			t.Fatal(err)
		}
	}
	if got := count() - before; got != 1 {
		t.Errorf("%d edits sent for one change", got)
	}
	for _, c := range h.fake.FailedCalls() {
		t.Errorf("Telegram refused %s: %v", c.Method, c.Params)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
