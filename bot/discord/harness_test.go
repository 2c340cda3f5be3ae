package discord

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/discord/discordtest"
	"github.com/samen-bot/samen/store"
)

// harness is a whole bot on Discord, for tests: the core on an embedded
// store, this adapter connected to the fake's gateway with the real
// discordgo client, and the outbox sent step by step. Each action waits
// for the bot's answer to the interaction, then sends everything the bot
// queued, so an action is done when it returns.
type harness struct {
	t     testing.TB
	ctx   context.Context
	fake  *discordtest.Server
	store *store.Bolt
	core  *bot.Bot
	a     *Adapter
	// sender sends the outbox; flush runs it.
	sender *bot.Sender
	runErr chan error
	// stop ends Run, as cmd/samen does before it closes the store.
	stopRun  context.CancelFunc
	stopOnce sync.Once

	mu  sync.Mutex
	now time.Time
}

type harnessOptions struct {
	// AnswerWithin is the adapter's; zero: a generous 5 s, so that a busy
	// test machine never defers by accident.
	AnswerWithin time.Duration
	// Core wraps the core the adapter talks to (to break it on purpose).
	Core func(Core) Core
	// Logger receives the adapter's logs.
	Logger *logRecorder
	// RoundThreads is the adapter's.
	RoundThreads bool
	// Transport wraps the HTTP transport to the fake (to break one
	// request on purpose).
	Transport func(http.RoundTripper) http.RoundTripper
}

func newHarness(t testing.TB, opts harnessOptions) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, ctx: ctx, now: time.Date(2026, 9, 7, 9, 0, 0, 0, time.UTC), runErr: make(chan error, 1)}
	h.fake = &discordtest.Server{}
	h.fake.Start(t)
	var err error
	h.store, err = store.OpenBolt(filepath.Join(t.TempDir(), "samen.db"), store.BoltOptions{Now: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	h.core, err = bot.New(bot.Config{Store: h.store, Secret: []byte("discord-test-secret-0123456789abcdef"), Now: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	var core Core = h.core
	if opts.Core != nil {
		core = opts.Core(core)
	}
	within := opts.AnswerWithin
	if within == 0 {
		within = 5 * time.Second
	}
	client := h.fake.Client()
	if opts.Transport != nil {
		client = &http.Client{Transport: opts.Transport(client.Transport), Timeout: client.Timeout}
	}
	cfg := Config{Token: h.fake.Token, HTTPClient: client, AnswerWithin: within, RoundThreads: opts.RoundThreads}
	if opts.Logger != nil {
		cfg.Logger = opts.Logger.logger()
	}
	h.a, err = New(ctx, cfg, core, h.store)
	if err != nil {
		t.Fatal(err)
	}
	h.sender = bot.NewSender(h.store, h.core.Renderer(), map[string]bot.Transport{Platform: h.a}, nil)
	h.stopRun = cancel
	go func() { h.runErr <- h.a.Run(ctx) }()
	t.Cleanup(func() {
		h.stop()
		h.store.Close()
	})
	h.fake.WaitConnected(t)
	return h
}

// stop ends Run's context and waits for Run to return.
func (h *harness) stop() {
	h.stopOnce.Do(func() {
		h.stopRun()
		select {
		case err := <-h.runErr:
			if err != nil {
				h.t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			h.t.Error("Run did not stop within 15 s of its context ending")
		}
	})
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

// flush sends the bot's outboxes until nothing is left that may go now.
func (h *harness) flush() {
	h.t.Helper()
	if err := h.sender.FlushAll(h.ctx); err != nil {
		h.t.Fatalf("flush: %v", err)
	}
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
	h.flush()
}

// command runs a slash command and returns the bot's answer.
func (h *harness) command(u discordtest.User, channel, name string, opts ...discordtest.Option) discordtest.Response {
	h.t.Helper()
	r := h.fake.WaitReply(h.t, h.fake.Command(u, channel, name, opts...))
	h.flush()
	return r
}

// text is a string option.
func text(name, value string) discordtest.Option {
	return discordtest.Option{Name: name, Type: 3, Value: value}
}

// number is an integer option.
func number(name string, value int) discordtest.Option {
	return discordtest.Option{Name: name, Type: 4, Value: value}
}

// press presses the button labelled label on the bot's last message in
// channel that has one, and returns the bot's answer.
func (h *harness) press(u discordtest.User, channel, label string) discordtest.Response {
	h.t.Helper()
	msg, id := h.button(channel, label)
	r := h.fake.WaitReply(h.t, h.fake.Press(u, channel, msg, id))
	h.flush()
	return r
}

// pressIn presses a button of an answer the person got (an ephemeral reply
// carries buttons too).
func (h *harness) pressIn(u discordtest.User, channel string, resp discordtest.Response, label string) discordtest.Response {
	h.t.Helper()
	id := buttonID(resp.Components, label)
	if id == "" {
		h.t.Fatalf("no button %q in the answer %q", label, resp.Content)
	}
	r := h.fake.WaitReply(h.t, h.fake.Press(u, channel, resp.MessageID, id))
	h.flush()
	return r
}

// submit fills in the form the person was just shown and sends it.
func (h *harness) submit(u discordtest.User, channel string, form discordtest.Response, values ...string) discordtest.Response {
	h.t.Helper()
	if form.Modal == nil {
		h.t.Fatalf("expected a form, got an answer %q (type %d)", form.Content, form.Type)
	}
	r := h.fake.WaitReply(h.t, h.fake.Submit(u, channel, form.Modal.CustomID, values...))
	h.flush()
	return r
}

// dm sends the bot a direct message and waits until the bot answered it.
func (h *harness) dm(u discordtest.User, text string) discordtest.Message {
	h.t.Helper()
	dm := h.fake.DMChannel(u)
	before := len(h.fake.Messages(dm))
	h.fake.DM(u, text)
	var reply discordtest.Message
	h.fake.Wait(h.t, "the bot's answer to a direct message", func() bool {
		msgs := h.fake.Messages(dm)
		for i := len(msgs) - 1; i > before; i-- {
			if msgs[i].AuthorID == h.a.BotID() {
				reply = msgs[i]
				return true
			}
		}
		return false
	})
	h.flush()
	return reply
}

// button finds the bot's last message in channel with a button labelled
// label.
func (h *harness) button(channel, label string) (messageID, customID string) {
	h.t.Helper()
	msgs := h.fake.Messages(channel)
	for i := len(msgs) - 1; i >= 0; i-- {
		if id := buttonID(msgs[i].Components, label); id != "" {
			return msgs[i].ID, id
		}
	}
	h.t.Fatalf("no message in %s has a button %q; the channel has:\n%s", channel, label, h.transcript(channel))
	return "", ""
}

func buttonID(components []discordtest.Component, label string) string {
	for _, c := range components {
		if c.Label == label && c.CustomID != "" {
			return c.CustomID
		}
		if id := buttonID(c.Components, label); id != "" {
			return id
		}
	}
	return ""
}

// find returns the bot's last message in channel that contains want (as
// shown: markdown escapes removed).
func (h *harness) find(channel, want string) discordtest.Message {
	h.t.Helper()
	msgs := h.fake.Messages(channel)
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(shown(msgs[i].Content), want) {
			return msgs[i]
		}
	}
	h.t.Fatalf("the bot never said %q in %s; it said:\n%s", want, channel, h.transcript(channel))
	return discordtest.Message{}
}

// has reports whether the bot said want in channel.
func (h *harness) has(channel, want string) bool {
	for _, m := range h.fake.Messages(channel) {
		if strings.Contains(shown(m.Content), want) {
			return true
		}
	}
	return false
}

func (h *harness) transcript(channel string) string {
	var all []string
	for _, m := range h.fake.Messages(channel) {
		all = append(all, shown(m.Content))
	}
	return strings.Join(all, "\n---\n")
}

// shown is content as Discord shows it: escapes, bold and italic markers
// gone.
func shown(content string) string {
	var b strings.Builder
	for i := 0; i < len(content); i++ {
		switch c := content[i]; {
		case c == '\\' && i+1 < len(content):
			i++
			b.WriteByte(content[i])
		case c == '*':
			// a marker: an escaped star was written above
		default:
			b.WriteByte(c)
		}
	}
	return strings.ReplaceAll(b.String(), "\u200b", "")
}

var codePattern = regexp.MustCompile(`De code is ([A-Z0-9]{6})`)

// newProcess creates a process from a facilitator's direct messages and
// returns its code.
func (h *harness) newProcess(facilitator discordtest.User, title string) string {
	h.t.Helper()
	reply := h.dm(facilitator, "/new "+title)
	m := codePattern.FindStringSubmatch(shown(reply.Content))
	if m == nil {
		h.t.Fatalf("no process code in the reply to /new: %q", reply.Content)
	}
	return m[1]
}

// logRecorder keeps what the adapter logged.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (l *logRecorder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, string(p))
	return len(p), nil
}

func (l *logRecorder) has(want string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.Contains(line, want) {
			return true
		}
	}
	return false
}

func (l *logRecorder) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
