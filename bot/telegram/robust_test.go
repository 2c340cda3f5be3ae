package telegram

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/flows"
)

var (
	fay  = telegramtest.User{ID: 501, FirstName: "Fay", LanguageCode: "nl"}
	ann  = telegramtest.User{ID: 601, FirstName: "Ann", LanguageCode: "nl"}
	bram = telegramtest.User{ID: 602, FirstName: "Bram", LanguageCode: "nl"}
)

// twoGroups sets up a process with two linked groups and returns them.
func twoGroups(h *harness) (code string, a, b telegramtest.Chat) {
	h.t.Helper()
	code = h.newProcess(fay, "Buurtmoestuin")
	a = telegramtest.Chat{ID: -4001, Type: "supergroup", Title: "Tuinders"}
	b = telegramtest.Chat{ID: -4002, Type: "supergroup", Title: "Buren"}
	for _, c := range []telegramtest.Chat{a, b} {
		h.fake.AddChat(c)
		h.say(fay, c, "/link "+code+" "+c.Title)
	}
	return code, a, b
}

// join makes u a member of the group in chat c.
func (h *harness) join(u telegramtest.User, c telegramtest.Chat) {
	h.t.Helper()
	h.say(u, telegramtest.Private(u), "/start") // so the bot may write to them
	h.say(u, c, "/join")
	h.press(u, c.ID, h.find(c.ID, "Kun je leven met deze afspraken").MessageID, "Ik stem in en doe mee")
}

// A crash between receiving an update and storing it loses nothing (it was
// not confirmed, so it comes again), and an update handled twice — a crash
// after handling, before it was marked handled — is counted once.
func TestCrashesLoseNothingAndCountOnce(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, _ := twoGroups(h)
	h.join(ann, a)

	// Received, then the bot died before storing it: nothing stored, the
	// offset not moved, so Telegram gives it again to the restarted bot.
	redelivered, _ := h.fake.Message(bram, a, "/join")
	if _, err := h.a.getUpdates(h.ctx, h.offset, 0); err != nil {
		t.Fatal(err)
	}
	h.a = h.restart()
	h.step()
	h.find(a.ID, "Kun je leven met deze afspraken")
	if h.offset <= redelivered {
		t.Fatalf("the redelivered update was not taken: offset %d", h.offset)
	}

	// Stored and confirmed, then the bot died before handling it: the
	// restarted bot handles it from its inbox.
	h.fake.PressButton(t, bram, a.ID, h.find(a.ID, "Kun je leven met deze afspraken").MessageID, "Ik stem in en doe mee")
	raws, err := h.a.getUpdates(h.ctx, h.offset, 0)
	if err != nil || len(raws) != 1 {
		t.Fatalf("getUpdates: %d updates, %v", len(raws), err)
	}
	id, _ := updateID(raws[0])
	if err := h.a.accept(h.ctx, id, raws[0]); err != nil {
		t.Fatal(err)
	}
	h.offset = id + 1
	h.a = h.restart()
	if err := h.a.drain(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()
	h.find(a.ID, "Bram doet mee in Tuinders")

	// Handled, but not marked handled: the same update again is counted once.
	h.say(fay, a, "/round concerns")
	round := h.find(a.ID, "Ronde 1").MessageID
	_, _ = h.fake.Message(ann, a, "Het hek piept.", telegramtest.ReplyTo(round))
	raws, _ = h.a.getUpdates(h.ctx, h.offset, 0)
	id, _ = updateID(raws[0])
	h.a.handleRaw(h.ctx, id, raws[0]) // handled; the crash comes before settle
	h.a.handleRaw(h.ctx, id, raws[0]) // the restarted bot handles it again
	h.offset = id + 1
	h.flush()
	if got := h.find(a.ID, "heeft geantwoord").Plain; !strings.Contains(got, "1 van 2 heeft geantwoord") {
		t.Errorf("after one answer delivered twice: %q", got)
	}
	if n := strings.Count(h.summary(a), "Het hek piept."); n != 0 {
		t.Errorf("the answer shows %d times before closing", n)
	}
}

// restart is a new adapter on the same store, as after a crash: nothing
// in memory survives.
func (h *harness) restart() *Adapter {
	h.t.Helper()
	return h.restartOn(h.store)
}

// restartOn is restart with the adapter on st (the harness's store, or a
// wrapper of it).
func (h *harness) restartOn(st Store) *Adapter {
	h.t.Helper()
	a, err := New(h.ctx, Config{Token: h.fake.Token, APIURL: h.fake.URL(), HTTPClient: h.fake.Client(), PollTimeout: 2 * time.Second, Limits: noLimits}, h.core, st)
	if err != nil {
		h.t.Fatal(err)
	}
	h.sender = bot.NewSender(h.store, h.core.Renderer(), map[string]bot.Transport{Platform: a}, nil)
	return a
}

func (h *harness) summary(c telegramtest.Chat) string {
	var all []string
	for _, m := range h.fake.Chat(c.ID) {
		all = append(all, m.Plain)
	}
	return strings.Join(all, "\n")
}

// An update the library cannot decode (an enum value it does not know) is
// set aside; polling goes on with the updates after it.
func TestUndecodableUpdateDoesNotStallPolling(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, _ := twoGroups(h)
	poison := fmt.Sprintf(`{"update_id":%d,"my_chat_member":{"chat":{"id":%d,"title":"Tuinders","type":"supergroup"},
		"from":{"id":%d,"is_bot":false,"first_name":"Fay"},"date":1767225500,
		"old_chat_member":{"user":{"id":%d,"is_bot":true,"first_name":"Samen"},"status":"member"},
		"new_chat_member":{"user":{"id":%d,"is_bot":true,"first_name":"Samen"},"status":"grand_poobah"}}}`,
		h.offset+5, a.ID, fay.ID, h.fake.BotID, h.fake.BotID)
	h.fake.Raw(poison)
	after, _ := h.fake.Message(ann, a, "/join")

	// The real loop, as `samen run` runs it.
	ctx, cancel := context.WithCancel(h.ctx)
	done := make(chan error, 1)
	go func() { done <- h.a.poll(ctx) }()
	h.fake.Wait(t, "the update after the poison one handled and confirmed", func() bool {
		return h.fake.Confirmed() >= after && h.has(a.ID, "Kun je leven met deze afspraken")
	})
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("poll ended with %v", err)
	}
	if members, _ := h.store.SetMembers(h.ctx, inboxKey); len(members) != 0 {
		t.Errorf("updates left in the inbox: %v", members)
	}
	if _, err := h.store.Temp(h.ctx, rawKey(h.offset+5)); err == nil {
		t.Error("the poison update's raw form is still stored")
	}
}

// The webhook refuses a request without the right secret, and takes an
// update with it only once it is stored.
func TestWebhookSecret(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, _ := twoGroups(h)
	h.a.cfg.WebhookSecret = "s3cret-Token_1"
	handler := h.a.WebhookHandler()
	post := func(secret string) int {
		body := fmt.Sprintf(`{"update_id":900000001,"message":{"message_id":77,"from":{"id":%d,"is_bot":false,"first_name":"Ann"},"chat":{"id":%d,"title":"Tuinders","type":"supergroup"},"date":1767225600,"text":"/join","entities":[{"offset":0,"length":5,"type":"bot_command"}]}}`, ann.ID, a.ID)
		req := httptest.NewRequest(http.MethodPost, "/telegram", strings.NewReader(body))
		if secret != "" {
			req.Header.Set(secretHeader, secret)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, wrong := range []string{"", "s3cret-token_1", "s3cret-Token_1x"} {
		if code := post(wrong); code != http.StatusUnauthorized {
			t.Errorf("secret %q: HTTP %d, want 401", wrong, code)
		}
	}
	if members, _ := h.store.SetMembers(h.ctx, inboxKey); len(members) != 0 {
		t.Fatalf("a refused update was stored: %v", members)
	}
	if code := post("s3cret-Token_1"); code != http.StatusOK {
		t.Fatalf("right secret: HTTP %d", code)
	}
	if members, _ := h.store.SetMembers(h.ctx, inboxKey); len(members) != 1 {
		t.Fatalf("the update was not stored before the 200: %v", members)
	}
	if err := h.a.drain(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.find(a.ID, "Kun je leven met deze afspraken")
}

// A storm of 429s delays messages but drops and duplicates none.
func Test429StormDelaysButDropsNothing(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, b := twoGroups(h)
	h.join(ann, a)
	h.join(bram, b)
	h.fake.Inject("sendMessage", 4, 429, "Too Many Requests: retry after 1", 1)
	h.fake.Inject("editMessageText", 2, 429, "Too Many Requests: retry after 1", 1)
	h.say(fay, a, "/round concerns all")
	// The sender and the poller run as in production; the sender must get
	// everything out. (The poller's long polls also let the fake look at
	// the store again while nothing else happens.)
	ctx, cancel := context.WithCancel(h.ctx)
	done := make(chan error, 2)
	go func() { done <- h.sender.Run(ctx) }()
	go func() { done <- h.a.poll(ctx) }()
	h.sender.Wake()
	h.fake.Wait(t, "both round messages delivered after the storm", func() bool {
		return h.has(a.ID, "Ronde 1") && h.has(b.ID, "Ronde 1")
	})
	h.fake.Wait(t, "the outbox empty", func() bool {
		ids, _ := h.store.OutboxProcesses(h.ctx, 10)
		return len(ids) == 0
	})
	cancel()
	<-done
	<-done
	if h.fake.Count429() < 4 {
		t.Errorf("only %d 429s: the storm did not happen", h.fake.Count429())
	}
	for _, c := range []telegramtest.Chat{a, b} {
		if n := strings.Count(h.summary(c), "Ronde 1 · Zorgen en ervaringen delen"); n != 1 {
			t.Errorf("chat %s got the round %d times", c.Title, n)
		}
	}
}

// What people write is shown as written: markup, entities, emoji; long
// summaries are split, and nothing Telegram refuses is ever sent.
func TestUserTextRendersSafely(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	_, a, b := twoGroups(h)
	h.join(ann, a)
	h.join(bram, b)
	h.say(fay, a, "/round concerns all")
	round := h.find(a.ID, "Ronde 1").MessageID
	tricky := "<b>niet vet</b> & &amp; <script>alert(1)</script> 🙂 " + strings.Repeat("lang verhaal ", 250)
	h.say(ann, a, tricky, telegramtest.ReplyTo(round))
	long := string([]rune(strings.Repeat("😀 en nog meer woorden ", 250))[:5000])
	h.say(bram, b, long, telegramtest.ReplyTo(h.find(b.ID, "Ronde 1").MessageID))
	h.find(b.ID, "Ronde 1")
	if !strings.Contains(h.summary(telegramtest.Private(bram)), "Je antwoord is 5000 tekens; het mogen er hoogstens 4000 zijn") {
		t.Errorf("a 5,000-character answer was not refused kindly: %s", h.summary(telegramtest.Private(bram)))
	}
	h.say(fay, a, "/close all")
	h.press(fay, fay.ID, h.find(fay.ID, "Samenvatting ronde 1").MessageID, "Goedkeuren en delen")
	shared := h.summary(b)
	if !strings.Contains(shared, "<b>niet vet</b> & &amp; <script>alert(1)</script> 🙂") {
		t.Errorf("the answer was not shown as written in the other group:\n%s", shared)
	}
	for _, m := range h.fake.Chat(b.ID) {
		if n := len([]rune(m.Plain)); n > maxText {
			t.Errorf("a message of %d characters", n)
		}
	}
	for _, c := range h.fake.FailedCalls() {
		t.Errorf("Telegram refused %s: HTTP %d %v", c.Method, c.Status, c.Params["text"])
	}
}

// BenchmarkBroadcast opens one round in 200 groups through the fake's
// rate limits (Telegram's) and reports the achieved send rate — round
// messages over the time from the first to the last — as a share of the
// allowed 30 messages a second, and the whole broadcast's duration from the
// facilitator's command. No 429 may occur.
func BenchmarkBroadcast(b *testing.B) {
	limits := telegramtest.Limits{}
	h := newHarness(b, harnessOptions{FakeLimits: &limits, Limits: DefaultLimits})
	code := h.newProcess(fay, "Tweehonderd groepen")
	const groups = 200
	for i := range groups {
		c := telegramtest.Chat{ID: int64(-5000 - i), Type: "supergroup", Title: "Groep " + strconv.Itoa(i)}
		h.fake.AddChat(c)
		// Linked through the core directly: the set-up is not what is measured.
		if _, err := h.core.Handle(h.ctx, &bot.Update{
			Key: fmt.Sprintf("setup-%d", i), Chat: flows.Chat{ID: chatID(c.ID, 0)}, User: userID(fay.ID), Name: "Fay",
			Text: "/link " + code + " " + c.Title, BotName: h.a.Username(),
		}); err != nil {
			b.Fatal(err)
		}
	}
	origin := telegramtest.Chat{ID: -5000, Type: "supergroup"}
	b.ResetTimer()
	var sending, total time.Duration
	for i := range b.N {
		b.StopTimer()
		if i > 0 {
			h.say(fay, origin, "/close all")
		}
		before := len(h.fake.Calls())
		b.StartTimer()
		start := time.Now()
		h.say(fay, origin, "/round intro all")
		total += time.Since(start)
		b.StopTimer()
		var first, last time.Time
		sent := 0
		for _, c := range h.fake.Calls()[before:] {
			if c.Method == "sendMessage" && c.Status == http.StatusOK && c.Params["chat_id"] != strconv.FormatInt(fay.ID, 10) {
				if sent == 0 {
					first = c.At
				}
				last = c.At
				sent++
			}
		}
		if sent != groups {
			b.Fatalf("%d round messages sent, want %d", sent, groups)
		}
		// n messages span n-1 intervals.
		sending += last.Sub(first) * groups / (groups - 1)
	}
	if n := h.fake.Count429(); n > 0 {
		b.Fatalf("%d 429s from the fake", n)
	}
	rate := float64(b.N*groups) / sending.Seconds()
	b.ReportMetric(rate, "msgs/s")
	b.ReportMetric(100*rate/30, "%_of_allowed")
	b.ReportMetric(total.Seconds()/float64(b.N), "s/broadcast")
	b.ReportMetric(0, "429s")
}
