package telegram

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/store"
)

// harness is a whole bot on Telegram, for tests: the core on an embedded
// store, this adapter, and the real go-telegram/bot client talking to the
// fake Bot API. Tests drive it step by step: step takes what people sent and
// handles it, then sends everything the bot queued, so each step is done
// when it returns (no waiting on goroutines).
type harness struct {
	t      testing.TB
	ctx    context.Context
	fake   *telegramtest.Server
	store  *store.Bolt
	dbPath string
	core   *bot.Bot
	a      *Adapter
	sender *bot.Sender
	offset int64

	mu  sync.Mutex
	now time.Time
}

type harnessOptions struct {
	// FakeLimits are the fake's; zero: none (the fake's Off).
	FakeLimits *telegramtest.Limits
	// Limits are the adapter's; zero: none.
	Limits Limits
}

var noLimits = Limits{PerChat: -1, PerGroupMinute: -1, GlobalPerSecond: -1, EditEvery: -1}

func newHarness(t testing.TB, opts harnessOptions) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	h := &harness{t: t, ctx: ctx, now: time.Date(2026, 9, 7, 9, 0, 0, 0, time.UTC)}
	h.fake = &telegramtest.Server{Limits: telegramtest.Limits{Off: true}}
	if opts.FakeLimits != nil {
		h.fake.Limits = *opts.FakeLimits
	}
	url := h.fake.Start(t)
	var err error
	h.dbPath = filepath.Join(t.TempDir(), "samen.db")
	h.store, err = store.OpenBolt(h.dbPath, store.BoltOptions{Now: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.store.Close() })
	h.core, err = bot.New(bot.Config{Store: h.store, Secret: []byte("telegram-test-secret-0123456789abcdef"), Now: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	limits := opts.Limits
	if limits == (Limits{}) {
		limits = noLimits
	}
	h.a, err = New(ctx, Config{Token: h.fake.Token, APIURL: url, HTTPClient: h.fake.Client(), PollTimeout: 2 * time.Second, Limits: limits}, h.core, h.store)
	if err != nil {
		t.Fatal(err)
	}
	h.sender = bot.NewSender(h.store, h.core.Renderer(), map[string]bot.Transport{Platform: h.a}, nil)
	return h
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

// step handles every update people sent, and sends what the bot queued.
func (h *harness) step() {
	h.t.Helper()
	next, err := h.a.pollOnce(h.ctx, h.offset, 0)
	if err != nil {
		h.t.Fatalf("poll: %v", err)
	}
	h.offset = next
	h.flush()
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

// say sends text from someone in a chat and handles it; it returns the
// message's id.
func (h *harness) say(from telegramtest.User, chat telegramtest.Chat, text string, opts ...telegramtest.MsgOption) int {
	h.t.Helper()
	_, id := h.fake.Message(from, chat, text, opts...)
	h.step()
	return id
}

// press presses the button labelled label under the bot's message.
func (h *harness) press(from telegramtest.User, chatID int64, messageID int, label string) {
	h.t.Helper()
	h.fake.PressButton(h.t, from, chatID, messageID, label)
	h.step()
}

// find returns the bot's last message in chat whose text contains want.
func (h *harness) find(chatID int64, want string) telegramtest.Sent {
	h.t.Helper()
	msgs := h.fake.Chat(chatID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(msgs[i].Plain, want) {
			return msgs[i]
		}
	}
	var all []string
	for _, m := range msgs {
		all = append(all, m.Plain)
	}
	h.t.Fatalf("the bot never said %q in chat %d; it said:\n%s", want, chatID, strings.Join(all, "\n---\n"))
	return telegramtest.Sent{}
}

// has reports whether the bot said want in chat.
func (h *harness) has(chatID int64, want string) bool {
	for _, m := range h.fake.Chat(chatID) {
		if strings.Contains(m.Plain, want) {
			return true
		}
	}
	return false
}

var codePattern = regexp.MustCompile(`De code is ([A-Z0-9]{6})`)

// newProcess creates a process from someone's private chat and returns its code.
func (h *harness) newProcess(facilitator telegramtest.User, title string) string {
	h.t.Helper()
	h.say(facilitator, telegramtest.Private(facilitator), "/new "+title)
	m := codePattern.FindStringSubmatch(h.find(facilitator.ID, "De code is").Plain)
	if m == nil {
		h.t.Fatal("no process code in the reply to /new")
	}
	return m[1]
}

func TestHarnessStartsAProcess(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	fay := telegramtest.User{ID: 501, FirstName: "Fay", LanguageCode: "nl"}
	code := h.newProcess(fay, "Zonnepark De Hoeve")
	group := telegramtest.Chat{ID: -4001, Type: "group", Title: "Bewoners"}
	h.fake.AddChat(group)
	h.say(fay, group, "/link@"+h.a.Username()+" "+code+" Bewoners")
	h.find(group.ID, "Deze chat is nu de groep")
}
