package bot

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store"
	"github.com/samen-bot/samen/store/redistest"
)

var testSecret = []byte("bot-tests-secret-at-least-32-bytes-long")

// harness drives a Bot the way an adapter does, on a real store, with a
// clock the test moves and a transport that records what is delivered.
type harness struct {
	t      *testing.T
	store  Store
	bot    *Bot
	sender *Sender
	clock  *testClock
	out    *recorder
	seq    int
	code   string
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// recorder is a Transport that keeps every delivery; fail may make chats
// wait.
type recorder struct {
	mu        sync.Mutex
	delivered []OutMessage
	nextID    int
	fail      func(m OutMessage) error
}

func (r *recorder) Deliver(_ context.Context, m OutMessage) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(m); err != nil {
			return "", err
		}
	}
	r.delivered = append(r.delivered, m)
	if m.EditID != "" {
		return m.EditID, nil
	}
	r.nextID++
	return fmt.Sprint(r.nextID), nil
}

func (r *recorder) take() []OutMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.delivered
	r.delivered = nil
	return out
}

func openBolt(t *testing.T) *store.Bolt {
	t.Helper()
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), "samen.db"), store.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openRedis(t *testing.T, srv *redistest.Server) *store.Redis {
	t.Helper()
	st, err := store.OpenRedis(context.Background(), srv.URL(), store.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newHarness(t *testing.T, st Store) *harness {
	t.Helper()
	h := &harness{t: t, store: st, clock: &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, out: &recorder{}}
	h.bot = h.instance(st)
	h.sender = NewSender(st, h.bot.Renderer(), map[string]Transport{"t": h.out}, nil)
	return h
}

// instance is another bot on the same store and clock (a second process).
func (h *harness) instance(st Store) *Bot {
	b, err := New(Config{Store: st, Secret: testSecret, Now: h.clock.Now})
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

func chat(id string) flows.Chat { return flows.Chat{ID: flows.ChatID("t:" + id)} }

func private(user string) flows.Chat {
	return flows.Chat{ID: flows.ChatID("t:" + user), Private: true}
}

// update builds an update with a fresh key.
func (h *harness) update(user string, where flows.Chat, text string) *Update {
	h.seq++
	return &Update{
		Key: fmt.Sprintf("t:%d", h.seq), Chat: where, User: flows.UserID("t:" + user),
		Name: strings.ToUpper(user[:1]) + user[1:], Text: text, BotName: "samenbot",
	}
}

func (h *harness) handle(u *Update) *Reply {
	h.t.Helper()
	r, err := h.bot.Handle(context.Background(), u)
	if err != nil {
		h.t.Fatalf("handle %q: %v", u.Text, err)
	}
	return r
}

func (h *harness) say(user string, where flows.Chat, text string) *Reply {
	h.t.Helper()
	return h.handle(h.update(user, where, text))
}

func (h *harness) press(user string, where flows.Chat, intent flows.Intent) *Reply {
	h.t.Helper()
	u := h.update(user, where, "")
	u.Button = &intent
	return h.handle(u)
}

// version is the process's log version in the store.
func (h *harness) version() int64 {
	h.t.Helper()
	hist, err := h.store.Load(context.Background(), h.code)
	if err != nil {
		h.t.Fatal(err)
	}
	return hist.Version
}

// setup creates a process with groups a (ann, bob) and b (cas) and opens a
// concerns round in both.
func (h *harness) setup() {
	h.t.Helper()
	h.say("fay", private("fay"), "/new Test")
	code, err := h.bot.CurrentProcess(context.Background(), "t:fay")
	if err != nil {
		h.t.Fatal(err)
	}
	h.code = code
	h.say("fay", chat("a"), "/link "+code+" Groep A")
	h.say("fay", chat("b"), "/link "+code+" Groep B")
	for _, m := range []struct{ user, group, chat string }{{"ann", "g1", "a"}, {"bob", "g1", "a"}, {"cas", "g2", "b"}} {
		h.press(m.user, chat(m.chat), flows.Intent{Do: flows.DoJoin, Process: code, Group: flows.GroupID(m.group)})
	}
	h.say("fay", chat("a"), "/round concerns all")
}

func (h *harness) status(c string) ChatStatus {
	h.t.Helper()
	st, err := h.bot.ChatStatus(context.Background(), flows.ChatID("t:"+c))
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

func (h *harness) flush() []OutMessage {
	h.t.Helper()
	if err := h.sender.FlushAll(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	return h.out.take()
}
