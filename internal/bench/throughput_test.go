package bench

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/samen-bot/samen/bot/telegram"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
)

// BenchmarkThroughput queues N consent-button presses at the fake Bot API
// and measures, in one run, how fast (a) a bare go-telegram/bot bot that
// only answers each callback query and (b) Samen (adapter, core and sender
// on a real redis-server, recording each vote) work through them. Target:
// Samen at least half the bare bot's rate. It also reports the latency
// from getUpdates handing a press out to its answer (under this load:
// everything queued at once), the core's own handling time, and Redis
// round trips per press in Samen.
func BenchmarkThroughput(b *testing.B) {
	const people = 1000
	rig := newTGRig(b, telegramtest.Limits{Off: true})
	groups := benchGroups(3)
	members := benchPeople(people)
	stop := rig.run(b, noLimits)
	rounds := rig.process(b, groups, members)
	stop()

	press := func() []string {
		var ids []string
		for i, u := range members {
			g := groups[i%len(groups)]
			rig.fake.PressButton(b, u, g.ID, rounds[g.ID].MessageID, "Ik stem in")
		}
		// The query ids are the fake's; read them back from its queue.
		for _, raw := range rig.fake.Pending() {
			var u models.Update
			if json.Unmarshal(raw, &u) == nil && u.CallbackQuery != nil {
				ids = append(ids, u.CallbackQuery.ID)
			}
		}
		if len(ids) != people {
			b.Fatalf("%d presses queued, want %d", len(ids), people)
		}
		return ids
	}

	// (a) The bare bot: go-telegram/bot's polling, one handler that
	// answers the callback query.
	ids := press()
	ctx, cancel := context.WithCancel(context.Background())
	bare, err := tgbot.New(rig.fake.Token, tgbot.WithServerURL(rig.url), tgbot.WithHTTPClient(2*time.Second, rig.watch.client),
		tgbot.WithSkipGetMe(), tgbot.WithDefaultHandler(func(ctx context.Context, bb *tgbot.Bot, u *models.Update) {
			if u.CallbackQuery != nil {
				bb.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID})
			}
		}), tgbot.WithErrorsHandler(func(error) {}))
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { bare.Start(ctx) })
	rig.waitAnswered(b, ids)
	cancel()
	wg.Wait()
	bareRate, _ := rig.rate(ids)

	// (b) Samen, sending as it does in production (Telegram's limits, the
	// progress line edited at most every 5 s per chat).
	ids = press()
	rig.obs.reset()
	trips := rig.rt.trips.Load()
	rig.fake.Limits = telegramtest.Limits{}
	stop = rig.run(b, telegram.DefaultLimits)
	rig.waitAnswered(b, ids)
	stop()
	samenRate, latencies := rig.rate(ids)
	perPress := float64(rig.rt.trips.Load()-trips) / float64(people)
	if n := rig.votes(b); n != people {
		b.Fatalf("%d votes recorded, want %d", n, people)
	}

	b.ReportMetric(bareRate, "bare_updates/s")
	b.ReportMetric(samenRate, "samen_updates/s")
	b.ReportMetric(samenRate/bareRate, "ratio")
	b.ReportMetric(ms(quantile(latencies, 0.50)), "p50_received_to_answer_ms")
	b.ReportMetric(ms(quantile(latencies, 0.99)), "p99_received_to_answer_ms")
	rig.obs.mu.Lock()
	core := slices.Clone(rig.obs.durations)
	rig.obs.mu.Unlock()
	b.ReportMetric(ms(quantile(core, 0.50)), "p50_core_ms")
	b.ReportMetric(ms(quantile(core, 0.99)), "p99_core_ms")
	b.ReportMetric(perPress, "roundtrips/update")
}

// waitAnswered waits until every query in ids was answered.
func (r *tgRig) waitAnswered(tb testing.TB, ids []string) {
	tb.Helper()
	r.fake.Wait(tb, "every press answered", func() bool {
		r.watch.mu.Lock()
		defer r.watch.mu.Unlock()
		for _, id := range ids {
			if _, ok := r.watch.answer[id]; !ok {
				return false
			}
		}
		return true
	})
}

// rate is the presses in ids per second, from the first handed out to the
// last answered, and each press's latency from handed out to answered.
func (r *tgRig) rate(ids []string) (float64, []time.Duration) {
	r.watch.mu.Lock()
	defer r.watch.mu.Unlock()
	var first, last time.Time
	var lat []time.Duration
	for _, id := range ids {
		g, a := r.watch.given[id], r.watch.answer[id]
		if first.IsZero() || g.Before(first) {
			first = g
		}
		if a.After(last) {
			last = a
		}
		lat = append(lat, a.Sub(g))
	}
	return float64(len(ids)) / last.Sub(first).Seconds(), lat
}

// votes counts the vote_cast events in the rig's process.
func (r *tgRig) votes(tb testing.TB) int {
	tb.Helper()
	raw, err := r.st.ReadLog(context.Background(), r.code, 1, 1_000_000)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, e := range raw {
		var head struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(e, &head) == nil && head.Type == "vote_cast" {
			n++
		}
	}
	return n
}

func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
