package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store"
	"github.com/samen-bot/samen/store/redistest"
)

// secret keys the bot's hashes in every benchmark.
var secret = []byte("bench-secret-0123456789abcdef0123456789")

// core is the bot core on a real redis-server, with a sender whose
// transport only counts (the platform "b"): what an answer costs the bot,
// without any platform.
type core struct {
	srv    *redistest.Server
	client *redis.Client
	rt     *roundTrips
	st     *store.Redis
	bot    *bot.Bot
	sender *bot.Sender
	now    time.Time
	seq    int
}

func newCore(tb testing.TB) *core {
	tb.Helper()
	c := &core{srv: redistest.Start(tb), now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), rt: &roundTrips{}}
	c.client = c.srv.NewClient(tb)
	c.client.AddHook(c.rt)
	c.st = store.NewRedis(c.client, store.RedisOptions{})
	var err error
	c.bot, err = bot.New(bot.Config{Store: c.st, Secret: secret, Now: func() time.Time { return c.now }})
	if err != nil {
		tb.Fatal(err)
	}
	c.sender = bot.NewSender(c.st, c.bot.Renderer(), map[string]bot.Transport{"b": &sink{}}, nil)
	return c
}

// sink accepts every message.
type sink struct {
	mu sync.Mutex
	n  int
}

func (s *sink) Deliver(context.Context, bot.OutMessage) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return fmt.Sprint(s.n), nil
}

func (c *core) update(user, chat string, private bool) *bot.Update {
	c.seq++
	return &bot.Update{Key: fmt.Sprintf("b:%d", c.seq), User: flows.UserID("b:" + user), Name: user,
		Chat: flows.Chat{ID: flows.ChatID("b:" + chat), Private: private}, BotName: "samenbot"}
}

func (c *core) say(tb testing.TB, user, chat, text string) *bot.Reply {
	tb.Helper()
	u := c.update(user, chat, chat == user)
	u.Text = text
	return c.handle(tb, u)
}

func (c *core) press(tb testing.TB, user, chat string, in flows.Intent) *bot.Reply {
	tb.Helper()
	u := c.update(user, chat, chat == user)
	u.Button = &in
	return c.handle(tb, u)
}

func (c *core) handle(tb testing.TB, u *bot.Update) *bot.Reply {
	tb.Helper()
	r, err := c.bot.Handle(context.Background(), u)
	if err != nil {
		tb.Fatalf("handle %q: %v", u.Text, err)
	}
	return r
}

func (c *core) flush(tb testing.TB) {
	tb.Helper()
	if err := c.sender.FlushAll(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

// consentProcess makes a process with members people spread over groups
// groups and a consent round open on one proposal, and returns its code.
// The process, its groups and the round are made through the bot; the
// members are written to the log in bulk (joining 10,000 people one by one
// would take longer than the benchmark), as the events joining writes.
func (c *core) consentProcess(tb testing.TB, title string, people, groups int) string {
	tb.Helper()
	ctx := context.Background()
	fac := "fac-" + title
	c.say(tb, fac, fac, "/new "+title)
	code, err := c.bot.CurrentProcess(ctx, flows.UserID("b:"+fac))
	if err != nil {
		tb.Fatal(err)
	}
	for g := range groups {
		c.say(tb, fac, groupChat(title, g), fmt.Sprintf("/link %s Groep %d", code, g+1))
	}
	h, err := c.st.Load(ctx, code)
	if err != nil {
		tb.Fatal(err)
	}
	var events [][]byte
	for i := range people {
		u := flows.UserID("b:" + member(title, i))
		e := flows.Event{Version: h.Version + int64(len(events)) + 1, Key: fmt.Sprintf("seed-%s#%d", title, i), At: c.now, Actor: u,
			Data: &flows.MemberJoined{User: u, Group: flows.GroupID(fmt.Sprintf("g%d", i%groups+1)), Name: fmt.Sprintf("Lid %d", i)}}
		raw, err := json.Marshal(e)
		if err != nil {
			tb.Fatal(err)
		}
		events = append(events, raw)
	}
	if _, err := c.st.Append(ctx, flows.Commit{Process: code, Key: "seed-" + title, KeyExpires: c.now.Add(flows.MinKeyTTL),
		Expected: h.Version, Events: events}); err != nil {
		tb.Fatal(err)
	}
	c.say(tb, fac, fac, "/propose De speeltuin blijft open tot zonsondergang.")
	if r := c.say(tb, fac, fac, "/consent 1"); !strings.Contains(r.Text.Plain(), "loopt nu") {
		tb.Fatalf("/consent 1: %q", r.Text.Plain())
	}
	c.flush(tb)
	return code
}

func groupChat(title string, g int) string { return fmt.Sprintf("%s-g%d", title, g+1) }
func member(title string, i int) string    { return fmt.Sprintf("%s-m%d", title, i) }

// voter casts consent answers in one process: each call is one real change
// of someone's answer (consent, or a concern with its text), members in
// turn, so that every call commits.
type voter struct {
	title, code    string
	people, groups int
	next           int
	concerned      map[int]bool
	voted          map[int]bool
}

func newVoter(title, code string, people, groups int) *voter {
	return &voter{title: title, code: code, people: people, groups: groups, concerned: map[int]bool{}, voted: map[int]bool{}}
}

// answer makes the next member change their answer, and returns how many
// updates it took (1, or 2 for a concern and its text).
func (v *voter) answer(tb testing.TB, c *core) int {
	i := v.next % v.people
	v.next++
	who, chat := member(v.title, i), groupChat(v.title, i%v.groups)
	vote := func(choice string) *bot.Reply {
		return c.press(tb, who, chat, flows.Intent{Do: flows.DoVote, Process: v.code, N: 1, Arg: choice})
	}
	if !v.voted[i] || v.concerned[i] {
		v.voted[i], v.concerned[i] = true, false
		if r := vote(flows.VoteConsent); !strings.Contains(r.Text.Plain(), "Genoteerd") {
			tb.Fatalf("consent by %s: %q", who, r.Text.Plain())
		}
		return 1
	}
	v.concerned[i] = true
	vote(flows.VoteConcern)
	if r := c.say(tb, who, who, "Graag ook een bankje in de schaduw."); !strings.Contains(r.Text.Plain(), "Genoteerd") {
		tb.Fatalf("concern by %s: %q", who, r.Text.Plain())
	}
	return 2
}

// consentBy makes member i press "Ik stem in"; it must change their answer.
func (v *voter) consentBy(tb testing.TB, c *core, i int) {
	who, chat := member(v.title, i), groupChat(v.title, i%v.groups)
	r := c.press(tb, who, chat, flows.Intent{Do: flows.DoVote, Process: v.code, N: 1, Arg: flows.VoteConsent})
	if !strings.Contains(r.Text.Plain(), "Genoteerd") {
		tb.Fatalf("consent by %s: %q", who, r.Text.Plain())
	}
	v.voted[i], v.concerned[i] = true, false
}

// concernBy makes member i answer with a concern (the button, then its
// text in the private chat).
func (v *voter) concernBy(tb testing.TB, c *core, i int) {
	who, chat := member(v.title, i), groupChat(v.title, i%v.groups)
	c.press(tb, who, chat, flows.Intent{Do: flows.DoVote, Process: v.code, N: 1, Arg: flows.VoteConcern})
	if r := c.say(tb, who, who, "Graag ook een bankje in de schaduw."); !strings.Contains(r.Text.Plain(), "Genoteerd") {
		tb.Fatalf("concern by %s: %q", who, r.Text.Plain())
	}
	v.voted[i], v.concerned[i] = true, true
}
