package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/telegram"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/store"
	"github.com/samen-bot/samen/store/redistest"
)

// tgRig is Samen on Telegram as `samen run` wires it (the adapter polling,
// the core, the sender) on a real redis-server, against the fake Bot API,
// whose HTTP traffic is watched.
type tgRig struct {
	fake   *telegramtest.Server
	url    string
	watch  *watch
	client *redis.Client
	rt     *roundTrips
	st     *store.Redis
	core   *bot.Bot
	obs    *handled
	fay    telegramtest.User
	code   string
}

func newTGRig(tb testing.TB, fakeLimits telegramtest.Limits) *tgRig {
	tb.Helper()
	r := &tgRig{fake: &telegramtest.Server{Limits: fakeLimits, WaitTimeout: 3 * time.Minute}, rt: &roundTrips{}, obs: &handled{}}
	r.url = r.fake.Start(tb)
	r.watch = newWatch(r.fake.Client())
	srv := redistest.Start(tb)
	r.client = srv.NewClient(tb)
	r.client.AddHook(r.rt)
	r.st = store.NewRedis(r.client, store.RedisOptions{})
	var err error
	r.core, err = bot.New(bot.Config{Store: r.st, Secret: secret, Observer: r.obs})
	if err != nil {
		tb.Fatal(err)
	}
	r.fay = telegramtest.User{ID: 501, FirstName: "Fay", LanguageCode: "nl"}
	return r
}

// run starts the adapter and the sender with limits, until the returned
// stop is called.
func (r *tgRig) run(tb testing.TB, limits telegram.Limits) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tg, err := telegram.New(ctx, telegram.Config{Token: r.fake.Token, APIURL: r.url, HTTPClient: r.watch.client,
		PollTimeout: 2 * time.Second, Limits: limits}, r.core, r.st)
	if err != nil {
		tb.Fatal(err)
	}
	sender := bot.NewSender(r.st, r.core.Renderer(), map[string]bot.Transport{telegram.Platform: tg}, nil)
	var wg sync.WaitGroup
	wg.Go(func() { tg.Run(ctx) })
	wg.Go(func() { sender.Run(ctx) })
	return func() { cancel(); wg.Wait() }
}

var noLimits = telegram.Limits{PerChat: -1, PerGroupMinute: -1, GlobalPerSecond: -1, EditEvery: -1}

// said waits for the bot to say want in chat and returns that message.
func (r *tgRig) said(tb testing.TB, chat int64, want string) telegramtest.Sent {
	tb.Helper()
	var found telegramtest.Sent
	r.fake.Wait(tb, fmt.Sprintf("%q in chat %d", want, chat), func() bool {
		for _, m := range r.fake.Chat(chat) {
			if strings.Contains(m.Plain, want) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// linked makes a process through Telegram with people members spread over
// the groups, joined by pressing the join button.
func (r *tgRig) linked(tb testing.TB, groups []telegramtest.Chat, people []telegramtest.User) {
	tb.Helper()
	r.fake.AddChat(telegramtest.Private(r.fay))
	r.fake.Message(r.fay, telegramtest.Private(r.fay), "/new Bench")
	m := regexp.MustCompile(`De code is ([A-Z0-9]{6})`).FindStringSubmatch(r.said(tb, r.fay.ID, "De code is").Plain)
	if m == nil {
		tb.Fatal("no process code")
	}
	r.code = m[1]
	for _, g := range groups {
		r.fake.AddChat(g)
		r.fake.Message(r.fay, g, "/link "+r.code+" "+g.Title)
	}
	answered := len(r.fake.CallbackAnswers())
	for i, u := range people {
		g := groups[i%len(groups)]
		rules := r.said(tb, g.ID, "Meedoen met "+g.Title)
		r.fake.AddChat(telegramtest.Private(u))
		r.fake.PressButton(tb, u, g.ID, rules.MessageID, "Ik stem in en doe mee")
	}
	r.fake.Wait(tb, "everyone joined", func() bool { return len(r.fake.CallbackAnswers()) == answered+len(people) })
}

// process is linked and a consent round open on one proposal; it returns
// the round's message in each group.
func (r *tgRig) process(tb testing.TB, groups []telegramtest.Chat, people []telegramtest.User) map[int64]telegramtest.Sent {
	tb.Helper()
	r.linked(tb, groups, people)
	r.fake.Message(r.fay, telegramtest.Private(r.fay), "/propose De speeltuin blijft open tot zonsondergang.")
	r.fake.Message(r.fay, telegramtest.Private(r.fay), "/consent 1")
	rounds := map[int64]telegramtest.Sent{}
	for _, g := range groups {
		rounds[g.ID] = r.said(tb, g.ID, "Instemming met voorstel 1")
	}
	return rounds
}

func benchGroups(n int) []telegramtest.Chat {
	var out []telegramtest.Chat
	for i := range n {
		out = append(out, telegramtest.Chat{ID: -1001000000100 - int64(i), Type: "supergroup", Title: fmt.Sprintf("Groep %d", i+1)})
	}
	return out
}

func benchPeople(n int) []telegramtest.User {
	var out []telegramtest.User
	for i := range n {
		out = append(out, telegramtest.User{ID: int64(10000 + i), FirstName: fmt.Sprintf("Lid%04d", i), LanguageCode: "nl"})
	}
	return out
}

// watch timestamps the Bot API traffic of the clients it makes: when an
// update was handed out by getUpdates, and when each callback query was
// answered.
type watch struct {
	client *http.Client
	mu     sync.Mutex
	given  map[string]time.Time // callback query id → getUpdates returned it
	answer map[string]time.Time // callback query id → answerCallbackQuery sent
	sends  []time.Time          // sendMessage and editMessageText calls answered 200
	got429 int
}

func newWatch(base *http.Client) *watch {
	w := &watch{given: map[string]time.Time{}, answer: map[string]time.Time{}}
	w.client = &http.Client{Transport: w.transport(base.Transport), Timeout: base.Timeout}
	return w
}

type watchTransport struct {
	w    *watch
	next http.RoundTripper
}

func (w *watch) transport(next http.RoundTripper) http.RoundTripper { return watchTransport{w, next} }

func (t watchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	method := req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]
	if method == "answerCallbackQuery" {
		if id := formValue(req, "callback_query_id"); id != "" {
			t.w.mu.Lock()
			t.w.answer[id] = time.Now()
			t.w.mu.Unlock()
		}
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	switch method {
	case "getUpdates":
		body, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr == nil {
			var out struct {
				Result []struct {
					CallbackQuery *struct {
						ID string `json:"id"`
					} `json:"callback_query"`
				} `json:"result"`
			}
			if json.Unmarshal(body, &out) == nil {
				now := time.Now()
				t.w.mu.Lock()
				for _, u := range out.Result {
					if u.CallbackQuery != nil {
						if _, seen := t.w.given[u.CallbackQuery.ID]; !seen {
							t.w.given[u.CallbackQuery.ID] = now
						}
					}
				}
				t.w.mu.Unlock()
			}
		}
	case "sendMessage", "editMessageText":
		t.w.mu.Lock()
		switch resp.StatusCode {
		case http.StatusOK:
			t.w.sends = append(t.w.sends, time.Now())
		case http.StatusTooManyRequests:
			t.w.got429++
		}
		t.w.mu.Unlock()
	}
	return resp, nil
}

// formValue reads a parameter of a Bot API request without consuming its
// body (multipart, as go-telegram/bot sends, or a form).
func formValue(req *http.Request, name string) string {
	if req.Body == nil {
		return ""
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return ""
	}
	clone := req.Clone(req.Context())
	clone.Body = io.NopCloser(bytes.NewReader(body))
	if err := clone.ParseMultipartForm(1 << 20); err != nil {
		if err := clone.ParseForm(); err != nil {
			return ""
		}
	}
	if v := clone.FormValue(name); v != "" {
		return v
	}
	var js map[string]any
	if json.Unmarshal(body, &js) == nil {
		if v, ok := js[name].(string); ok {
			return v
		}
	}
	return ""
}

// handled collects the core's handling times (bot.Observer).
type handled struct {
	mu        sync.Mutex
	durations []time.Duration
}

func (h *handled) Handled(_, _ string, d time.Duration) {
	h.mu.Lock()
	h.durations = append(h.durations, d)
	h.mu.Unlock()
}

func (h *handled) Delivered(string, time.Duration, error) {}

func (h *handled) reset() {
	h.mu.Lock()
	h.durations = nil
	h.mu.Unlock()
}
