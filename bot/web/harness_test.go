package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/store"
)

// harness is the whole bot behind the playground, driven over HTTP only:
// the core on an embedded store with a clock the test moves, the
// playground's handler on an httptest server, and a browser-like client
// with a cookie jar and the page's CSRF token. Every action flushes the
// outbox before its POST returns, so an action is done when it returns.
type harness struct {
	t      *testing.T
	ctx    context.Context
	store  *store.Bolt
	core   *bot.Bot
	pg     *Playground
	srv    *httptest.Server
	client *http.Client
	csrf   string
	// dashCSRF is the CSRF token of the dashboard session the browser
	// opened last (openDashboard); dashboard POSTs repeat it.
	dashCSRF string

	mu  sync.Mutex
	now time.Time
}

func newHarness(t *testing.T, people, rooms []string) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), now: time.Date(2026, 9, 7, 9, 0, 0, 0, time.UTC)}
	var err error
	h.store, err = store.OpenBolt(filepath.Join(t.TempDir(), "samen.db"), store.BoltOptions{Now: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.store.Close() })
	h.core, err = bot.New(bot.Config{Store: h.store, Secret: []byte("web-test-secret-0123456789abcdefgh"), Now: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	var sender *bot.Sender
	h.pg, err = New(h.core, h.store, Options{People: people, Rooms: rooms, Flush: func(ctx context.Context) error { return sender.FlushAll(ctx) }})
	if err != nil {
		t.Fatal(err)
	}
	sender = bot.NewSender(h.store, h.core.Renderer(), map[string]bot.Transport{Platform: h.pg}, nil)
	h.srv = httptest.NewServer(Mux(h.pg, NewDashboard(h.core, DashboardOptions{Chromium: findChromium(), Flush: h.pg.opts.Flush})))
	t.Cleanup(h.srv.Close)
	// The bot's links lead to this server, as a server that serves the
	// dashboard itself writes them: a test (or a browser) follows them.
	h.core.SetDashboardURL(h.srv.URL)
	jar, _ := cookiejar.New(nil)
	h.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	m := regexp.MustCompile(`<meta name="csrf" content="([0-9a-f]+)">`).FindStringSubmatch(h.page("", ""))
	if m == nil {
		t.Fatal("the page carries no CSRF token")
	}
	h.csrf = m[1]
	return h
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

// advance moves the clock, runs what fell due and sends it.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	h.mu.Lock()
	h.now = h.now.Add(d)
	h.mu.Unlock()
	if _, err := h.core.RunDue(h.ctx); err != nil {
		h.t.Fatalf("timers: %v", err)
	}
	h.pg.flush(h.ctx)
}

// page fetches the page as a browser would.
func (h *harness) page(as, chat string) string {
	h.t.Helper()
	resp, err := h.client.Get(h.srv.URL + "/?" + url.Values{"as": {as}, "chat": {chat}}.Encode())
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("GET /: %s", resp.Status)
	}
	return string(body)
}

// get fetches a path and returns the body.
func (h *harness) get(path string) string {
	h.t.Helper()
	resp, err := h.client.Get(h.srv.URL + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// post sends an action as the page's script does, with the token in a
// header unless vals carries it (or nothing, when token is false).
func (h *harness) post(path string, vals url.Values, token bool, header ...string) (int, Result) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if token {
		t := h.csrf
		if strings.HasPrefix(path, "/dashboard/") && path != "/dashboard/open" {
			t = h.dashCSRF
		}
		req.Header.Set("X-CSRF-Token", t)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var res Result
	body, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(body, &res)
	return resp.StatusCode, res
}

// ok posts an action that must succeed.
func (h *harness) ok(path string, vals url.Values) Result {
	h.t.Helper()
	status, res := h.post(path, vals, true)
	if status != http.StatusOK {
		h.t.Fatalf("POST %s %v: status %d, notice %q", path, vals, status, res.Notice)
	}
	return res
}

// say types text in chat as a person.
func (h *harness) say(as, chat, text string) Result {
	h.t.Helper()
	return h.ok("/say", url.Values{"as": {as}, "chat": {chat}, "text": {text}})
}

// replyTo replies to the bot's message id in chat.
func (h *harness) replyTo(as, chat, id, text string) Result {
	h.t.Helper()
	return h.ok("/say", url.Values{"as": {as}, "chat": {chat}, "text": {text}, "reply": {id}})
}

// press presses the button labelled label on the newest message in chat
// that has one.
func (h *harness) press(as, chat, label string) Result {
	h.t.Helper()
	return h.ok("/press", url.Values{"as": {as}, "chat": {chat}, "data": {h.button(as, chat, label)}})
}

// submit fills in the form a press gave and sends it.
func (h *harness) submit(as string, res Result, fields ...string) Result {
	h.t.Helper()
	if res.Form == nil {
		h.t.Fatalf("expected a form, got the notice %q", res.Notice)
	}
	if n := len(res.Form.Form.Fields); n != len(fields) {
		h.t.Fatalf("the form %q has %d fields, the test fills %d", res.Form.Form.Title, n, len(fields))
	}
	return h.ok("/submit", url.Values{"as": {as}, "chat": {res.Form.Chat}, "data": {res.Form.Data}, "field": fields})
}

type chatView struct {
	Version  int          `json:"version"`
	Messages []Message    `json:"messages"`
	Form     *pendingForm `json:"form"`
}

// chat reads a chat as the page's polling does.
func (h *harness) chat(as, chat string) chatView {
	h.t.Helper()
	resp, err := h.client.Get(h.srv.URL + "/chat?" + url.Values{"as": {as}, "chat": {chat}}.Encode())
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("GET /chat as %s of %s: %s", as, chat, resp.Status)
	}
	var v chatView
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		h.t.Fatal(err)
	}
	return v
}

func (h *harness) button(as, chat, label string) string {
	h.t.Helper()
	msgs := h.chat(as, chat).Messages
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Label == label {
					return b.Data
				}
			}
		}
	}
	h.t.Fatalf("no message in %s has a button %q; it has:\n%s", chat, label, h.transcript(as, chat))
	return ""
}

// said returns the bot's newest message in chat containing want.
func (h *harness) said(as, chat, want string) Message {
	h.t.Helper()
	msgs := h.chat(as, chat).Messages
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].From == "" && strings.Contains(msgs[i].Text.Plain(), want) {
			return msgs[i]
		}
	}
	h.t.Fatalf("the bot never said %q in %s; it said:\n%s", want, chat, h.transcript(as, chat))
	return Message{}
}

func (h *harness) transcript(as, chat string) string {
	var all []string
	for _, m := range h.chat(as, chat).Messages {
		from := m.From
		if from == "" {
			from = "Samen"
		}
		all = append(all, from+": "+m.Text.Plain())
	}
	return strings.Join(all, "\n---\n")
}
