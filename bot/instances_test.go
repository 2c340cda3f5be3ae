package bot

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samen-bot/samen/store/redistest"
)

// TestTwoSendersSendEachMessageOnce: two instances' senders, each with its
// own Redis client, flush the same outboxes at once (twice each). Each
// queued message is delivered exactly once: a process's outbox is sent by
// the holder of its send lease only.
func TestTwoSendersSendEachMessageOnce(t *testing.T) {
	queue := func(h *harness) {
		h.setup()
		for _, u := range []string{"ann", "bob", "cas"} {
			r := h.update(u, chat(map[string]string{"ann": "a", "bob": "a", "cas": "b"}[u]), "een zorg van "+u)
			r.ReplyToBot = true
			h.handle(r)
		}
	}
	// What one sender delivers.
	ref := newHarness(t, openBolt(t))
	queue(ref)
	want := deliveries(ref.flush())

	srv := redistest.Start(t)
	h := newHarness(t, openRedis(t, srv))
	queue(h)
	ctx := context.Background()
	queued, err := h.sender.Pending(ctx, 1000)
	if err != nil || queued < 5 {
		t.Fatalf("pending %d, %v: want several messages queued", queued, err)
	}
	other := NewSender(openRedis(t, srv), h.bot.Renderer(), map[string]Transport{"t": h.out}, nil)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, s := range []*Sender{h.sender, other, h.sender, other} {
		wg.Go(func() {
			<-start
			if err := s.FlushAll(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	// A sender that found the outbox leased sent nothing and tries again
	// later; flush what may be left, one sender after the other.
	for _, s := range []*Sender{h.sender, other} {
		if err := s.FlushAll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	got := deliveries(h.out.take())
	for k, n := range got {
		if n > 1 {
			t.Errorf("delivered %d times: %q", n, k)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("delivered %v, want as one sender delivers: %v", got, want)
	}
	if n, _ := h.sender.Pending(ctx, 1000); n != 0 {
		t.Errorf("%d messages still pending", n)
	}
}

// deliveries counts deliveries by chat, person and text.
func deliveries(ms []OutMessage) map[string]int {
	n := map[string]int{}
	for _, m := range ms {
		n[m.Chat+"|"+m.User+"|"+m.Text.Plain()]++
	}
	return n
}

// TestDeadlinesAndRemindersFireOnceAcrossInstances: two instances run the
// timers of one process on one Redis, both at every step of a week on the
// injected clock, while a reference instance alone on an embedded store
// goes through the same week. The process's log holds the same events in
// both: every reminder, deadline and closing happened once, not once per
// instance.
func TestDeadlinesAndRemindersFireOnceAcrossInstances(t *testing.T) {
	week := func(h *harness, bots []*Bot) []string {
		h.setup()
		h.say("fay", private("fay"), "/set quiet_hours off")
		h.flush()
		for range 10 * 24 / 3 {
			h.clock.Advance(3 * time.Hour)
			var wg sync.WaitGroup
			for _, b := range bots {
				wg.Go(func() {
					if _, err := b.RunDue(context.Background()); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		}
		raws, err := h.store.ReadLog(context.Background(), h.code, 1, 10000)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, raw := range raws {
			var e struct {
				Type string          `json:"type"`
				Data json.RawMessage `json:"data"`
			}
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatal(err)
			}
			kinds = append(kinds, e.Type+" "+string(e.Data))
		}
		return kinds
	}
	ref := newHarness(t, openBolt(t))
	want := week(ref, []*Bot{ref.bot})

	srv := redistest.Start(t)
	h := newHarness(t, openRedis(t, srv))
	other := h.instance(openRedis(t, srv))
	got := week(h, []*Bot{h.bot, other, h.bot, other})

	timerEvents := 0
	for _, k := range want {
		if strings.HasPrefix(k, "reminder_sent") || strings.HasPrefix(k, "round_closed") {
			timerEvents++
		}
	}
	if timerEvents == 0 {
		t.Fatalf("the reference week has no timer events: %v", want)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log with two instances:\n%s\nwant, as with one:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
