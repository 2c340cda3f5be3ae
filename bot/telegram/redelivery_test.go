package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/samen-bot/samen/bot/telegram/telegramtest"
)

// Telegram promises ascending, unique update ids, confirmed by the next
// getUpdates offset. These tests break the promise on purpose (the fake's
// Batch): updates out of order within a batch and across batches, the same
// update twice in one batch and again after a restart. Each must be
// recorded once, answered once, handled in update_id order, and no offset
// may confirm an update the bot has not stored.

// loggedEvent is one entry of a process's log, as stored.
type loggedEvent struct {
	Type  string          `json:"type"`
	Key   string          `json:"key"`
	Actor string          `json:"actor"`
	Data  json.RawMessage `json:"data"`
}

// processLog reads the whole log of the process facilitator is working on.
func (h *harness) processLog(facilitator telegramtest.User) []loggedEvent {
	h.t.Helper()
	code, err := h.core.CurrentProcess(h.ctx, userID(facilitator.ID))
	if err != nil {
		h.t.Fatalf("current process of %s: %v", facilitator.FirstName, err)
	}
	raws, err := h.store.ReadLog(context.Background(), code, 1, 100000)
	if err != nil {
		h.t.Fatal(err)
	}
	out := make([]loggedEvent, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			h.t.Fatal(err)
		}
	}
	return out
}

// countEvents counts the events of type typ whose data contains every one
// of wants.
func countEvents(log []loggedEvent, typ string, wants ...string) int {
	n := 0
next:
	for _, e := range log {
		if e.Type != typ {
			continue
		}
		for _, w := range wants {
			if !strings.Contains(string(e.Data), w) {
				continue next
			}
		}
		n++
	}
	return n
}

// countIn counts the bot's messages in a chat that contain want.
func (h *harness) countIn(chatID int64, want string) int {
	n := 0
	for _, m := range h.fake.Chat(chatID) {
		if strings.Contains(m.Plain, want) {
			n++
		}
	}
	return n
}

// confirmedWereStored checks that every update the fake counts as
// confirmed (by an offset above it) was stored by the bot: handled, or
// waiting in its inbox. An offset past an update not stored loses it.
func (h *harness) confirmedWereStored(ids ...int64) {
	h.t.Helper()
	inbox, err := h.store.SetMembers(h.ctx, inboxKey)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, id := range ids {
		if id > h.fake.Confirmed() {
			continue
		}
		_, handled := h.store.Temp(h.ctx, handledKey(id))
		if handled != nil && !strings.Contains(" "+strings.Join(inbox, " ")+" ", fmt.Sprintf(" %d ", id)) {
			h.t.Errorf("update %d was confirmed to Telegram (confirmed up to %d) but neither handled nor stored", id, h.fake.Confirmed())
		}
	}
}

// consentRound sets up a process whose group Tuinders (ann, bram) has a
// consent round open, and returns the group and the round's message.
func consentRound(h *harness) (telegramtest.Chat, telegramtest.Sent) {
	h.t.Helper()
	_, a, _ := twoGroups(h)
	h.join(ann, a)
	h.join(bram, a)
	h.say(fay, telegramtest.Private(fay), "/propose Een bankje bij het hek")
	h.say(fay, telegramtest.Private(fay), "/consent 1")
	return a, h.find(a.ID, "Instemming met voorstel 1")
}

// TestOutOfOrderAndRepeatedUpdatesCountOnce: Ann's consent press (10),
// Bram's "with a concern" press (11) and the concern he then writes
// privately (12) arrive as 12, 10, 11, 10 in one batch; then 10 again;
// then, after a restart, 11 and 12 again. Each vote and the concern are
// recorded once, in update order (12 before 11 would not be a concern),
// each press answered once, no message doubled.
func TestOutOfOrderAndRepeatedUpdatesCountOnce(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	a, round := consentRound(h)
	pressesBefore := len(h.fake.CallbackAnswers())
	callsBefore := len(h.fake.Calls())

	annPress := h.fake.PressButton(t, ann, a.ID, round.MessageID, "Ik stem in")
	bramPress := h.fake.PressButton(t, bram, a.ID, round.MessageID, "Ik stem in, met een zorg")
	const concern = "Graag een bankje zonder reclame erop."
	concernText, _ := h.fake.Message(bram, telegramtest.Private(bram), concern)
	if annPress+1 != bramPress || bramPress+1 != concernText {
		t.Fatalf("update ids %d %d %d, want consecutive", annPress, bramPress, concernText)
	}
	h.fake.Batch(concernText, annPress, bramPress, annPress)
	h.step()
	h.confirmedWereStored(annPress, bramPress, concernText)
	h.fake.Batch(annPress)
	h.step()
	h.a = h.restart()
	h.fake.Batch(bramPress, concernText)
	h.step()
	h.step() // and the queue, as Telegram would answer now: nothing
	h.confirmedWereStored(annPress, bramPress, concernText)
	if got := h.fake.Confirmed(); got < concernText {
		t.Errorf("confirmed up to %d; the three updates (to %d) were handled, so the offset should have passed them", got, concernText)
	}

	log := h.processLog(fay)
	if n := countEvents(log, "vote_cast", string(userID(ann.ID))); n != 1 {
		t.Errorf("Ann's consent recorded %d times, want once", n)
	}
	if n := countEvents(log, "vote_cast", string(userID(bram.ID))); n != 1 {
		t.Errorf("Bram's vote recorded %d times, want once", n)
	}
	if n := countEvents(log, "vote_cast", string(userID(bram.ID)), concern); n != 1 {
		t.Errorf("Bram's concern recorded with his vote %d times, want once (handled out of order?)", n)
	}
	var all []string
	for _, e := range log {
		all = append(all, e.Type+" "+string(e.Data))
	}
	if n := strings.Count(strings.Join(all, "\n"), concern); n != 1 {
		t.Errorf("the concern is in the log %d times, want once:\n%s", n, strings.Join(all, "\n"))
	}

	answers := h.fake.CallbackAnswers()[pressesBefore:]
	if len(answers) != 2 {
		t.Errorf("%d answers to the two presses, want one each: %+v", len(answers), answers)
	}
	// Telegram refuses a second answer to a press ("query is too old"):
	// one more call would be a reply doubled.
	for _, c := range h.fake.Calls()[callsBefore:] {
		if c.Method == "answerCallbackQuery" && c.Status != 200 {
			t.Errorf("a press was answered again: %v → %d", c.Params, c.Status)
		}
	}
	for _, c := range []struct {
		who  telegramtest.User
		want string
	}{
		{bram, "Wat is je zorg?"},
		{bram, "Genoteerd: Ik stem in, met een zorg."},
	} {
		if n := h.countIn(c.who.ID, c.want); n != 1 {
			t.Errorf("%s got %q %d times, want once", c.who.FirstName, c.want, n)
		}
	}
	if got := h.find(a.ID, "Instemming met voorstel 1").Plain; !strings.Contains(got, "2 van 2") {
		t.Errorf("the round's progress after two votes, each delivered twice or more: %q", got)
	}
}

// TestOffsetNeverPassesAnUpdateNotStored: a batch 12, 10, 11 in which
// storing 11 fails. The offset must not move past 11 (Telegram would drop
// it for good); once the store works, all three are handled, once each,
// though 10 and 12 were stored twice.
func TestOffsetNeverPassesAnUpdateNotStored(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	a, round := consentRound(h)
	flaky := newFlakyStore(h.store)
	h.a = h.restartOn(flaky)
	callsBefore := len(h.fake.Calls())

	annPress := h.fake.PressButton(t, ann, a.ID, round.MessageID, "Ik stem in")
	bramPress := h.fake.PressButton(t, bram, a.ID, round.MessageID, "Ik stem in")
	help, _ := h.fake.Message(ann, telegramtest.Private(ann), "/help")
	flaky.breakWith(func(op, key string) bool { return op == "PutTemp" && key == rawKey(bramPress) })

	// The offset pollOnce returns is the one the poll loop goes on with,
	// error or not.
	h.fake.Batch(help, annPress, bramPress)
	var err error
	if h.offset, err = h.a.pollOnce(h.ctx, h.offset, 0); err == nil {
		t.Fatal("a batch whose update could not be stored was taken without an error")
	}
	// The poll after it (the queue, 10 11 12, as Telegram would give them
	// again) fails the same way; its offset must not confirm any of them.
	if h.offset, err = h.a.pollOnce(h.ctx, h.offset, 0); err == nil {
		t.Fatal("the batch was taken while update 11 still cannot be stored")
	}
	if got := h.fake.Confirmed(); got >= annPress {
		t.Fatalf("Telegram was told updates up to %d arrived; %d was never stored", got, bramPress)
	}
	h.confirmedWereStored(annPress, bramPress, help)

	flaky.breakWith(nil)
	h.step()
	h.step() // confirms the batch
	if got := h.fake.Confirmed(); got < help {
		t.Errorf("confirmed up to %d after the store came back; want past %d", got, help)
	}
	h.confirmedWereStored(annPress, bramPress, help)
	log := h.processLog(fay)
	for _, u := range []telegramtest.User{ann, bram} {
		if n := countEvents(log, "vote_cast", string(userID(u.ID))); n != 1 {
			t.Errorf("%s's vote recorded %d times, want once", u.FirstName, n)
		}
	}
	answered := 0
	for _, c := range h.fake.Calls()[callsBefore:] {
		switch {
		case c.Method == "answerCallbackQuery" && c.Status == 200:
			answered++
		case c.Method == "answerCallbackQuery":
			t.Errorf("a press was answered again: %v → %d", c.Params, c.Status)
		}
	}
	if answered != 2 {
		t.Errorf("%d presses answered, want 2", answered)
	}
	if n := h.countIn(ann.ID, "/new"); n != 1 {
		t.Errorf("Ann got the /help text %d times, want once", n)
	}
}
