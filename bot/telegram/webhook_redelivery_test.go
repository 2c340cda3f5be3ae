package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/flows"
)

// Telegram posts an update again when it saw no 200 in time (a slow
// answer, a dropped connection), possibly while the first post is still
// being handled. Each update must be recorded and answered once.

const hookSecret = "hook-secret"

// postUpdate posts raw to the webhook as Telegram does and returns the
// HTTP status.
func postUpdate(h http.Handler, raw json.RawMessage) int {
	req := httptest.NewRequest(http.MethodPost, "https://samen.example/hook", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(secretHeader, hookSecret)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// pendingUpdate is the raw form of the queued update id.
func pendingUpdate(t *testing.T, fake *telegramtest.Server, id int64) json.RawMessage {
	t.Helper()
	for _, raw := range fake.Pending() {
		if got, _ := updateID(raw); got == id {
			return raw
		}
	}
	t.Fatalf("update %d is not pending", id)
	return nil
}

// rawForgotten checks that the stored raw form of update id (which names
// its sender) is gone and that nothing waits in the inbox.
func (h *harness) rawForgotten(id int64) {
	h.t.Helper()
	if _, err := h.store.Temp(h.ctx, rawKey(id)); !errors.Is(err, flows.ErrNotFound) {
		h.t.Errorf("the raw form of update %d is still stored (%v)", id, err)
	}
	if left, _ := h.store.SetMembers(h.ctx, inboxKey); len(left) != 0 {
		h.t.Errorf("updates left in the inbox: %v", left)
	}
}

// TestWebhookUpdatePostedTwiceCountsOnce: Ann's press is posted again after
// it was handled; Bram's twice at the same moment, from two goroutines,
// while the worker runs as in production. Each vote is recorded once and
// each press answered once.
func TestWebhookUpdatePostedTwiceCountsOnce(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	a, round := consentRound(h)
	h.a.cfg.WebhookSecret = hookSecret
	hook := h.a.WebhookHandler()
	ctx, cancel := context.WithCancel(h.ctx)
	worked := make(chan error, 1)
	go func() { worked <- h.a.Work(ctx) }()
	defer func() {
		cancel()
		if err := <-worked; !errors.Is(err, context.Canceled) {
			t.Errorf("Work ended with %v", err)
		}
	}()
	callsBefore := len(h.fake.Calls())
	answersBefore := len(h.fake.CallbackAnswers())

	annPress := h.fake.PressButton(t, ann, a.ID, round.MessageID, "Ik stem in")
	raw := pendingUpdate(t, h.fake, annPress)
	if code := postUpdate(hook, raw); code != http.StatusOK {
		t.Errorf("the webhook answered %d", code)
	}
	h.fake.Wait(t, "Ann's press answered", func() bool { return len(h.fake.CallbackAnswers()) >= answersBefore+1 })
	inboxEmpty(t, h.store)
	// Posted again after it was handled (Telegram never saw the 200).
	if code := postUpdate(hook, raw); code != http.StatusOK {
		t.Errorf("the webhook answered %d to the second post", code)
	}
	inboxEmpty(t, h.store)

	bramPress := h.fake.PressButton(t, bram, a.ID, round.MessageID, "Ik stem in")
	raw = pendingUpdate(t, h.fake, bramPress)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			<-start
			if code := postUpdate(hook, raw); code != http.StatusOK {
				t.Errorf("the webhook answered %d", code)
			}
		})
	}
	close(start)
	wg.Wait()
	h.fake.Wait(t, "Bram's press answered", func() bool { return len(h.fake.CallbackAnswers()) >= answersBefore+2 })
	// The worker may still be settling the second copy: wait until the
	// inbox is empty (it changes without a request to the fake, so look).
	inboxEmpty(t, h.store)
	h.flush()

	log := h.processLog(fay)
	for _, u := range []telegramtest.User{ann, bram} {
		if n := countEvents(log, "vote_cast", string(userID(u.ID))); n != 1 {
			t.Errorf("%s's vote recorded %d times, want once", u.FirstName, n)
		}
	}
	if n := len(h.fake.CallbackAnswers()) - answersBefore; n != 2 {
		t.Errorf("%d answers to two presses, want one each", n)
	}
	for _, c := range h.fake.Calls()[callsBefore:] {
		if c.Method == "answerCallbackQuery" && c.Status != http.StatusOK {
			t.Errorf("a press was answered again: %v → %d", c.Params, c.Status)
		}
	}
	h.rawForgotten(annPress)
	h.rawForgotten(bramPress)
}

// TestWebhookCopyStoredWhileTheFirstIsHandledIsForgotten makes the race of
// two posts of one update happen in its worst order, deterministically:
// the second post finds the update not handled yet, then the first copy
// is handled and forgotten, then the second copy is stored. The second
// copy must not be handled again, nor its raw form (which names the
// sender) be left in the store for a day.
func TestWebhookCopyStoredWhileTheFirstIsHandledIsForgotten(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	a, round := consentRound(h)
	flaky := newFlakyStore(h.store)
	h.a = h.restartOn(flaky)
	h.a.cfg.WebhookSecret = hookSecret
	hook := h.a.WebhookHandler()
	answersBefore := len(h.fake.CallbackAnswers())

	press := h.fake.PressButton(t, ann, a.ID, round.MessageID, "Ik stem in")
	raw := pendingUpdate(t, h.fake, press)
	if code := postUpdate(hook, raw); code != http.StatusOK {
		t.Fatalf("first post: HTTP %d", code)
	}
	var once sync.Once
	flaky.breakWith(func(op, key string) bool {
		if op == "PutTemp" && key == rawKey(press) {
			// The second post has looked for the update among the
			// handled ones; now the worker handles the first copy.
			once.Do(func() {
				if err := h.a.drain(h.ctx); err != nil {
					t.Errorf("drain: %v", err)
				}
			})
		}
		return false
	})
	if code := postUpdate(hook, raw); code != http.StatusOK {
		t.Fatalf("second post: HTTP %d", code)
	}
	flaky.breakWith(nil)
	if err := h.a.drain(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.flush()

	if n := countEvents(h.processLog(fay), "vote_cast", string(userID(ann.ID))); n != 1 {
		t.Errorf("Ann's vote recorded %d times, want once", n)
	}
	if n := len(h.fake.CallbackAnswers()) - answersBefore; n != 1 {
		t.Errorf("the press answered %d times, want once", n)
	}
	h.rawForgotten(press)
}
