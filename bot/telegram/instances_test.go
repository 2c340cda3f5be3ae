package telegram

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/store"
	"github.com/samen-bot/samen/store/redistest"
)

// pollWatch wraps the HTTP transports of several instances and records
// each one's getUpdates calls, and whether two were ever in flight at once.
type pollWatch struct {
	inFlight atomic.Int32
	overlaps atomic.Int32
	mu       sync.Mutex
	calls    map[string]int
}

type watchedTransport struct {
	w        *pollWatch
	instance string
	next     http.RoundTripper
}

func (t watchedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !bytes.HasSuffix([]byte(r.URL.Path), []byte("/getUpdates")) {
		return t.next.RoundTrip(r)
	}
	if t.w.inFlight.Add(1) > 1 {
		t.w.overlaps.Add(1)
	}
	defer t.w.inFlight.Add(-1)
	t.w.mu.Lock()
	t.w.calls[t.instance]++
	t.w.mu.Unlock()
	resp, err := t.next.RoundTrip(r)
	if err == nil {
		// Wait for the body: the call ends when it has been read.
		var buf bytes.Buffer
		_, err = buf.ReadFrom(resp.Body)
		resp.Body.Close()
		resp.Body = http.NoBody
		if err == nil {
			resp.Body = readCloser{&buf}
		}
	}
	return resp, err
}

type readCloser struct{ *bytes.Buffer }

func (readCloser) Close() error { return nil }

func (w *pollWatch) count(instance string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls[instance]
}

// instance is one samen process: its own Redis client, core and adapter.
type instance struct {
	name  string
	a     *Adapter
	stop  context.CancelFunc
	done  chan error
	store *store.Redis
}

func startInstance(t *testing.T, name string, fake *telegramtest.Server, srv *redistest.Server, w *pollWatch, mode string) *instance {
	t.Helper()
	st, err := store.OpenRedis(context.Background(), srv.URL(), store.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	core, err := bot.New(bot.Config{Store: st, Secret: []byte("telegram-test-secret-0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	client := fake.Client()
	client = &http.Client{Transport: watchedTransport{w: w, instance: name, next: client.Transport}, Timeout: client.Timeout}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	a, err := New(ctx, Config{
		Token: fake.Token, APIURL: fake.URL(), HTTPClient: client, Mode: mode,
		PollTimeout: 2 * time.Second, PollLease: 600 * time.Millisecond, Limits: noLimits,
		WebhookSecret: "hook-secret",
	}, core, st)
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{name: name, a: a, stop: cancel, done: make(chan error, 1), store: st}
	if mode == ModePoll {
		go func() { in.done <- a.Run(ctx) }()
	} else {
		go func() { in.done <- a.Work(ctx) }()
	}
	t.Cleanup(func() { cancel(); <-in.done })
	return in
}

// askHelp has n people write /help to the bot privately and returns them.
func askHelp(fake *telegramtest.Server, first int64, n int) []telegramtest.User {
	users := make([]telegramtest.User, n)
	for i := range users {
		users[i] = telegramtest.User{ID: first + int64(i), FirstName: fmt.Sprint("P", first+int64(i)), LanguageCode: "nl"}
		fake.Message(users[i], telegramtest.Private(users[i]), "/help")
	}
	return users
}

// answeredOnce waits until each person got an answer, then checks that
// nobody got more than want.
func answeredOnce(t *testing.T, fake *telegramtest.Server, users []telegramtest.User, want int) {
	t.Helper()
	fake.Wait(t, "every /help answered", func() bool {
		for _, u := range users {
			if len(fake.Chat(u.ID)) < want {
				return false
			}
		}
		return true
	})
	for _, u := range users {
		if n := len(fake.Chat(u.ID)); n != want {
			t.Errorf("%s got %d answers to %d /help, want %d", u.FirstName, n, want, want)
		}
	}
}

// TestOnePollerAtATime: two instances on one Redis in polling mode. Only
// the holder of the poll lease calls getUpdates; getUpdates calls never
// overlap (Telegram would answer 409 to one); when the holder dies without
// releasing the lease, the other takes over once it expires, and every
// update is handled exactly once.
func TestOnePollerAtATime(t *testing.T) {
	srv := redistest.Start(t)
	fake := &telegramtest.Server{Limits: telegramtest.Limits{Off: true}}
	fake.Start(t)
	w := &pollWatch{calls: map[string]int{}}
	one := startInstance(t, "one", fake, srv, w, ModePoll)
	two := startInstance(t, "two", fake, srv, w, ModePoll)

	first := askHelp(fake, 1000, 20)
	answeredOnce(t, fake, first, 1)
	holder, other := one, two
	if w.count("one") == 0 {
		holder, other = two, one
	}
	if w.count(holder.name) == 0 || w.count(other.name) != 0 {
		t.Fatalf("getUpdates calls: %v; want them all from one instance", w.calls)
	}

	// The holder dies (as under SIGKILL: its lease is not released), after
	// it settled what it handled (a reply sent just before a kill and not
	// yet settled would be sent again by the next holder: at least once).
	inboxEmpty(t, holder.store)
	holder.a.dieHolding = true
	holder.stop()
	<-holder.done
	holder.done <- nil // for the cleanup
	died := time.Now()
	second := askHelp(fake, 2000, 20)
	answeredOnce(t, fake, second, 1)
	if w.count(other.name) == 0 {
		t.Fatalf("getUpdates calls: %v; want the other instance to have taken over", w.calls)
	}
	if took := time.Since(died); took > 5*time.Second {
		t.Errorf("taken over after %v; want within about the lease of 600ms", took)
	}
	if n := w.overlaps.Load(); n != 0 {
		t.Errorf("%d getUpdates calls overlapped another", n)
	}
	for _, c := range fake.FailedCalls() {
		if c.Method == "getUpdates" {
			t.Errorf("getUpdates failed: %d (two pollers?)", c.Status)
		}
	}
	answeredOnce(t, fake, first, 1)
}

// TestWebhookSpreadOverTwoInstances: Telegram posts updates to either of two
// instances sharing one Redis, many at once. Each update is handled exactly
// once, by one of them, though both instances' workers go through the
// shared inbox.
func TestWebhookSpreadOverTwoInstances(t *testing.T) {
	srv := redistest.Start(t)
	fake := &telegramtest.Server{Limits: telegramtest.Limits{Off: true}}
	fake.Start(t)
	w := &pollWatch{calls: map[string]int{}}
	one := startInstance(t, "one", fake, srv, w, ModeWebhook)
	two := startInstance(t, "two", fake, srv, w, ModeWebhook)
	if _, err := one.a.api.SetWebhook(t.Context(), &tgbot.SetWebhookParams{URL: "https://samen.example/hook", SecretToken: "hook-secret"}); err != nil {
		t.Fatal(err)
	}
	users := askHelp(fake, 3000, 60)
	hooks := []http.Handler{one.a.WebhookHandler(), two.a.WebhookHandler()}
	var wg sync.WaitGroup
	for i, raw := range fake.Pending() {
		wg.Go(func() {
			req := httptest.NewRequest(http.MethodPost, "https://samen.example/hook", bytes.NewReader(raw))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(secretHeader, "hook-secret")
			rec := httptest.NewRecorder()
			hooks[i%2].ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Errorf("webhook answered %d", rec.Code)
			}
		})
	}
	wg.Wait()
	answeredOnce(t, fake, users, 1)
	// Nothing is left in the shared inbox.
	inboxEmpty(t, one.store)
	answeredOnce(t, fake, users, 1)
}

// inboxEmpty waits until every stored update was handled.
func inboxEmpty(t *testing.T, st bot.Indexes) {
	t.Helper()
	// The fake's Wait wakes on requests to it; the store changes without
	// one, so look at it every few milliseconds.
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		left, err := st.SetMembers(context.Background(), inboxKey)
		if err == nil && len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still in the inbox after 10s: %v (%v)", left, err)
		}
		<-tick.C
	}
}
