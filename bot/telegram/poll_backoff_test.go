package telegram

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/store"
	"github.com/samen-bot/samen/store/redistest"
)

// While the store fails, the poller must back off — 1 s, doubling, up to
// 30 s — rather than spin, and confirm nothing it could not store; once
// the store is back every update is handled, once. The waits go through
// the adapter's sleep, which these tests replace: each wait is reported on
// a channel and ends when the test has taken it, so no test waits them out.

// sleepRecorder replaces the adapter's sleep with one that hands each wait
// to the test.
func sleepRecorder(a *Adapter) <-chan time.Duration {
	waits := make(chan time.Duration)
	a.sleep = func(ctx context.Context, d time.Duration) error {
		select {
		case waits <- d:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return waits
}

// nextWait takes the poller's next wait; it fails the test if none comes
// (the poller spins, or is stuck).
func nextWait(t *testing.T, waits <-chan time.Duration) time.Duration {
	t.Helper()
	select {
	case d := <-waits:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("the poller did not back off within 10s")
		return 0
	}
}

// countCalls counts the fake's calls of method.
func countCalls(fake *telegramtest.Server, method string) int {
	n := 0
	for _, c := range fake.Calls() {
		if c.Method == method {
			n++
		}
	}
	return n
}

// TestPollBacksOffWhileTheInboxCannotBeStored: the store answers for the
// poll lease but fails for everything else (one Redis Cluster shard down).
// The poller keeps the lease and backs off 1, 2, 4, 8, 16, 30, 30 s,
// calling Telegram at most once per wait; it confirms nothing; when the
// store is back it handles what came meanwhile, once.
func TestPollBacksOffWhileTheInboxCannotBeStored(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	flaky := newFlakyStore(h.store)
	h.a = h.restartOn(flaky)
	waits := sleepRecorder(h.a)
	flaky.breakWith(func(op, _ string) bool { return op != "Lease" && op != "ReleaseLease" })
	during, _ := h.fake.Message(ann, telegramtest.Private(ann), "/help")

	ctx, cancel := context.WithCancel(h.ctx)
	polled := make(chan error, 1)
	go func() { polled <- h.a.poll(ctx) }()
	defer func() {
		cancel()
		if err := <-polled; !errors.Is(err, context.Canceled) {
			t.Errorf("poll ended with %v", err)
		}
	}()

	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, w := range want {
		if got := nextWait(t, waits); got != w {
			t.Errorf("wait %d: %v, want %v", i+1, got, w)
		}
	}
	// The poll lease is held all along: the webhook is deleted once, and
	// Telegram is asked for updates at most once per wait.
	if n := countCalls(h.fake, "deleteWebhook"); n != 1 {
		t.Errorf("deleteWebhook called %d times during the outage, want once (the poller gave up its lease and took it again)", n)
	}
	if n := countCalls(h.fake, "getUpdates"); n > len(want) {
		t.Errorf("getUpdates called %d times over %d waits", n, len(want))
	}
	if got := h.fake.Confirmed(); got >= during {
		t.Errorf("update %d confirmed (up to %d) while it could not be stored", during, got)
	}

	flaky.breakWith(nil)
	if got := nextWait(t, waits); got != 30*time.Second {
		t.Errorf("the wait before the store came back: %v, want 30s", got)
	}
	h.fake.Wait(t, "Ann's /help answered after the outage", func() bool { return h.countIn(ann.ID, "/new") >= 1 })
	after, _ := h.fake.Message(bram, telegramtest.Private(bram), "/help")
	h.fake.Wait(t, "Bram's /help, sent after the outage, answered and confirmed", func() bool {
		return h.countIn(bram.ID, "/new") >= 1 && h.fake.Confirmed() >= after
	})
	if n := h.countIn(ann.ID, "/new"); n != 1 {
		t.Errorf("Ann's /help answered %d times, want once", n)
	}
	select {
	case d := <-waits:
		t.Errorf("the poller waited %v with the store working", d)
	default:
	}
}

// TestPollRidesOutARedisOutage: the redis-server is killed while the bot
// polls (lease, inbox, core: all on it), and an update arrives. The poller
// backs off, growing to 30 s, confirms nothing, and calls Telegram at most
// once per wait; after a restart of the server it handles the update once.
func TestPollRidesOutARedisOutage(t *testing.T) {
	srv := redistest.Start(t)
	fake := &telegramtest.Server{Limits: telegramtest.Limits{Off: true}}
	fake.Start(t)
	st, err := store.OpenRedis(context.Background(), srv.URL(), store.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	core, err := bot.New(bot.Config{Store: st, Secret: []byte("telegram-test-secret-0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := New(ctx, Config{
		Token: fake.Token, APIURL: fake.URL(), HTTPClient: fake.Client(),
		PollTimeout: 2 * time.Second, PollLease: 600 * time.Millisecond, Limits: noLimits,
	}, core, st)
	if err != nil {
		t.Fatal(err)
	}
	waits := sleepRecorder(a)
	polled := make(chan error, 1)
	go func() { polled <- a.poll(ctx) }()
	defer func() {
		cancel()
		if err := <-polled; !errors.Is(err, context.Canceled) {
			t.Errorf("poll ended with %v", err)
		}
	}()
	before := askHelp(fake, 1000, 1)
	answeredOnce(t, fake, before, 1)
	// Settled and confirmed before the kill: an update answered but not yet
	// marked handled would be answered again after it (at least once).
	inboxEmpty(t, st)
	fake.Wait(t, "the first /help confirmed", func() bool { return len(fake.Pending()) == 0 })

	srv.Kill()
	during := askHelp(fake, 2000, 1)
	pending := fake.Pending()
	duringID, _ := updateID(pending[len(pending)-1])
	callsBefore := len(fake.Calls())
	var seen []time.Duration
	for len(seen) < 30 && (len(seen) < 2 || seen[len(seen)-1] != 30*time.Second || seen[len(seen)-2] != 30*time.Second) {
		d := nextWait(t, waits)
		if d < time.Second || d > 30*time.Second {
			t.Errorf("waited %v while the store was down; want 1s to 30s", d)
		}
		seen = append(seen, d)
	}
	if len(seen) == 30 {
		t.Errorf("the waits never settled at 30s: %v", seen)
	}
	calls := 0
	for _, c := range fake.Calls()[callsBefore:] {
		if c.Method == "getUpdates" || c.Method == "deleteWebhook" {
			calls++
		}
	}
	// One call may be in flight when the store goes, one per start of
	// polling (the lease taken again) and per wait at most.
	if calls > len(seen)+2 {
		t.Errorf("%d calls to Telegram over %d waits %v: spinning", calls, len(seen), seen)
	}
	if got := fake.Confirmed(); got >= duringID {
		t.Errorf("update %d confirmed (up to %d) while the store was down", duringID, got)
	}

	srv.Restart()
	// Release the poller from its waits until the store answers again.
	go func() {
		for {
			select {
			case <-waits:
			case <-ctx.Done():
				return
			}
		}
	}()
	answeredOnce(t, fake, during, 1)
	answeredOnce(t, fake, before, 1)
	for _, c := range fake.FailedCalls() {
		if c.Status != http.StatusConflict {
			t.Errorf("Telegram refused %s: %d", c.Method, c.Status)
		}
	}
}
