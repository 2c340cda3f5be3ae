package telegram

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot/telegram/telegramtest"
)

// A message longer than Telegram allows goes out in parts, each once, with
// the buttons under the last; the live progress edits that last part.
func TestLongMessagesGoOutOnceAndEditTheirLastPart(t *testing.T) {
	h := newHarness(t, harnessOptions{Limits: Limits{PerChat: time.Millisecond, PerGroupMinute: -1, GlobalPerSecond: -1, EditEvery: time.Millisecond}})
	_, a, _ := twoGroups(h)
	h.join(ann, a)
	h.join(bram, a)
	h.say(fay, telegramtest.Private(fay), "/propose "+strings.TrimSpace(strings.Repeat("Een lange zin over het voorstel. ", 120)))
	h.say(fay, telegramtest.Private(fay), "/consent 1")
	parts := 0
	var last telegramtest.Sent
	for _, m := range h.fake.Chat(a.ID) {
		if strings.HasPrefix(m.Plain, "Ronde 1 · Instemming") || parts > 0 {
			parts++
			last = m
		}
	}
	if parts != 2 || len(last.Buttons) == 0 {
		t.Fatalf("the consent round went out in %d parts (buttons under the last: %v)", parts, len(last.Buttons) > 0)
	}
	first := h.fake.Chat(a.ID)[len(h.fake.Chat(a.ID))-2].Plain
	h.press(ann, a.ID, last.MessageID, last.Buttons[0][0].Text)
	msgs := h.fake.Chat(a.ID)
	if got := msgs[len(msgs)-2].Plain; got != first {
		t.Errorf("the first part changed on a vote")
	}
	if got := msgs[len(msgs)-1].Plain; !strings.Contains(got, "1 van 2") {
		t.Errorf("the last part does not show the vote: %q", got)
	}
}

// An edited command is not run again; an edited private message is not
// taken as an answer; an edited answer in a group is the new answer.
func TestEditedMessages(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, _ := twoGroups(h)
	h.join(ann, a)
	id := h.say(fay, telegramtest.Private(fay), "/propose Een klankbordgroep")
	h.say(fay, telegramtest.Private(fay), "/propose Een klankbordgroep, elke maand", telegramtest.Edit(id))
	if h.has(a.ID, "Voorstel 2") || h.has(fay.ID, "Voorstel 2") {
		t.Error("an edited /propose made a second proposal")
	}
	h.say(fay, a, "/round concerns")
	round := h.find(a.ID, "Ronde 1").MessageID
	answer := h.say(ann, a, "Het hek piept", telegramtest.ReplyTo(round))
	h.say(ann, a, "Het hek piept 's nachts", telegramtest.ReplyTo(round), telegramtest.Edit(answer))
	h.find(ann.ID, "is bijgewerkt")
	private := h.say(ann, telegramtest.Private(ann), "hallo")
	h.say(ann, telegramtest.Private(ann), "hallo daar", telegramtest.Edit(private))
	h.find(ann.ID, "Een aangepast bericht neem ik niet mee")
}

// An admin writing as the group is told the bot cannot see who it is; a
// service message in a private chat gets no answer.
func TestAnonymousAdminAndServiceMessages(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, _ := twoGroups(h)
	h.fake.Raw(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":9001,"from":{"id":1087968824,"is_bot":true,"first_name":"Group","username":"GroupAnonymousBot"},"sender_chat":{"id":%d,"type":"supergroup","title":"Tuinders"},"chat":{"id":%d,"type":"supergroup","title":"Tuinders"},"date":1767225600,"text":"/round concerns","entities":[{"type":"bot_command","offset":0,"length":6}]}}`, 900000001, a.ID, a.ID))
	h.step()
	h.find(a.ID, "ik kan niet zien wie je bent")
	h.say(ann, telegramtest.Private(ann), "/start")
	before := len(h.fake.Chat(ann.ID))
	h.fake.Raw(fmt.Sprintf(`{"update_id":900000002,"message":{"message_id":50,"from":{"id":%d,"is_bot":false,"first_name":"Ann"},"chat":{"id":%d,"type":"private","first_name":"Ann"},"date":1767225600,"pinned_message":{"message_id":1,"chat":{"id":%d,"type":"private"},"date":1767225500,"text":"x"}}}`, ann.ID, ann.ID, ann.ID))
	h.step()
	if got := len(h.fake.Chat(ann.ID)); got != before {
		t.Errorf("a pinned message was answered")
	}
}

// A deep link works only for the person it was made for.
func TestDeepLinkOnlyForThePresser(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, _ := twoGroups(h)
	h.say(ann, a, "/join")
	h.press(ann, a.ID, h.find(a.ID, "Kun je leven met deze afspraken").MessageID, "Ik stem in en doe mee")
	answers := h.fake.CallbackAnswers()
	link, err := url.Parse(answers[len(answers)-1].URL)
	if err != nil || link.Query().Get("start") == "" {
		t.Fatalf("no deep link for someone who never started the bot: %+v", answers[len(answers)-1])
	}
	outsider := telegramtest.User{ID: 999, FirstName: "Buiten"}
	h.say(outsider, telegramtest.Private(outsider), "/start "+link.Query().Get("start"))
	h.find(outsider.ID, "Deze knop werkt niet meer")
	if h.has(a.ID, "Buiten doet mee") {
		t.Error("a forwarded deep link let an outsider join")
	}
}

// Re-added to a linked chat, the bot tells the facilitators instead of
// asking to link it; removed from a forum, facilitators of a group that is
// one of its topics hear of it.
func TestBotReaddedAndForumTopics(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	code, a, _ := twoGroups(h)
	h.fake.BotRemoved(fay, a)
	h.step()
	h.fake.BotAdded(fay, a)
	h.step()
	h.find(fay.ID, "Ik ben weer toegevoegd aan de chat van Tuinders")
	if h.has(a.ID, "/link <code>") {
		t.Error("re-added to a linked chat, the bot asks to be linked")
	}
	forum := telegramtest.Chat{ID: -1005000000005, Type: "supergroup", Title: "Dorp", IsForum: true}
	h.fake.AddChat(forum)
	h.say(fay, forum, "/link "+code+" Omwonenden", telegramtest.InThread(12))
	h.fake.BotRemoved(fay, forum)
	h.step()
	h.find(fay.ID, "Ik ben uit de chat van Omwonenden")
}

// A raw update waits in the store sealed: the file never shows who sent what.
func TestRawUpdatesAreSealed(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, _ := twoGroups(h)
	h.fake.Message(ann, a, "/join GEHEIM-TEKST-1234")
	raws, err := h.a.getUpdates(h.ctx, h.offset, 0)
	if err != nil || len(raws) != 1 {
		t.Fatal(err)
	}
	id, _ := updateID(raws[0])
	if err := h.a.accept(h.ctx, id, raws[0]); err != nil {
		t.Fatal(err)
	}
	h.store.Close()
	data, err := os.ReadFile(h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"GEHEIM-TEKST-1234", `"update_id"`, fmt.Sprintf(`"id":%d`, ann.ID)} {
		if bytes.Contains(data, []byte(plain)) {
			t.Errorf("the store file holds %s in plain text", plain)
		}
	}
}

// A reply that fails for a moment (a 5xx) is sent again.
func TestTransientErrorsAreRetried(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, _ := twoGroups(h)
	h.join(ann, a)
	h.say(fay, a, "/round concerns")
	h.fake.Inject("sendMessage", 1, 502, "Bad Gateway", 0)
	h.press(ann, a.ID, h.find(a.ID, "Ronde 1").MessageID, "Anoniem antwoorden")
	h.find(ann.ID, "Het wordt anoniem opgeslagen")
}
