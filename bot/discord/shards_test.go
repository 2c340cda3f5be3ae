package discord

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/discord/discordtest"
	"github.com/samen-bot/samen/store"
)

// shardSeen records, per instance, the guild of every gateway event it
// received ("" for none: a direct message), and its REST calls.
type shardSeen struct {
	mu     sync.Mutex
	events map[string][]string // event type → guilds
	calls  []string            // "METHOD path"
}

func (s *shardSeen) event(_ *discordgo.Session, e *discordgo.Event) {
	var d struct {
		ID      string `json:"id"`
		GuildID string `json:"guild_id"`
	}
	json.Unmarshal(e.RawData, &d)
	if e.Type == "GUILD_CREATE" {
		d.GuildID = d.ID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events[e.Type] = append(s.events[e.Type], d.GuildID)
}

func (s *shardSeen) guilds(typ string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.events[typ]...)
}

// count counts the calls of method to a path that ends with suffix.
func (s *shardSeen) count(method, suffix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if strings.HasPrefix(c, method+" ") && strings.HasSuffix(c, suffix) {
			n++
		}
	}
	return n
}

type seenTransport struct {
	next http.RoundTripper
	seen *shardSeen
}

func (t seenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.seen.mu.Lock()
	t.seen.calls = append(t.seen.calls, r.Method+" "+r.URL.Path)
	t.seen.mu.Unlock()
	return t.next.RoundTrip(r)
}

// startShard starts one instance of the bot, shard id of count, on a
// store and a fake shared with the others: its own core, adapter and
// outbox sender, as a separate process would have. The harness it returns
// drives the fake through this instance's sender.
func startShard(t *testing.T, fake *discordtest.Server, st *store.Bolt, clock func() time.Time, id, count int) (*harness, *shardSeen) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, ctx: ctx, fake: fake, store: st, runErr: make(chan error, 1), stopRun: cancel, now: clock()}
	var err error
	h.core, err = bot.New(bot.Config{Store: st, Secret: []byte("discord-test-secret-0123456789abcdef"), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	seen := &shardSeen{events: map[string][]string{}}
	client := fake.Client()
	client = &http.Client{Transport: seenTransport{client.Transport, seen}, Timeout: client.Timeout}
	cfg := Config{Token: fake.Token, HTTPClient: client, AnswerWithin: 5 * time.Second, ShardID: id, ShardCount: count}
	if h.a, err = New(ctx, cfg, h.core, st); err != nil {
		t.Fatal(err)
	}
	h.a.gateway.AddHandler(seen.event)
	h.sender = bot.NewSender(st, h.core.Renderer(), map[string]bot.Transport{Platform: h.a}, nil)
	go func() { h.runErr <- h.a.Run(ctx) }()
	t.Cleanup(h.stop)
	fake.WaitShardConnected(t, id, count)
	return h, seen
}

// TestTwoShards: two instances of the bot on one store, shards 0 and 1 of
// 2, and a process with a group in a server of each. Each instance gets
// only its own server's events (and shard 0 the direct messages); the
// process goes through a round answered in both servers, each answer
// recorded once; shard 0 alone registers the commands; catching up is
// split the same way.
func TestTwoShards(t *testing.T) {
	fake := &discordtest.Server{}
	fake.Start(t)
	now := time.Date(2026, 9, 7, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), "samen.db"), store.BoltOptions{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() }) // after both instances stopped (cleanups run last first)

	guildA := fake.AddGuildOnShard("Dorpsstraat", 0, 2)
	guildB := fake.AddGuildOnShard("Gemeente", 1, 2)
	chanA, chanB := fake.AddChannel(guildA, "bewoners"), fake.AddChannel(guildB, "opvang")
	ilse, wim, marieke := fake.AddUser("Ilse", "nl"), fake.AddUser("Wim", "nl"), fake.AddUser("Marieke", "nl")

	// Shard 1 first: were it to register the commands, it would be the
	// one to (shard 0 then finds them registered).
	h1, seen1 := startShard(t, fake, st, clock, 1, 2)
	h0, seen0 := startShard(t, fake, st, clock, 0, 2)
	s := e2e{harness: h0, t: t}

	code := h0.newProcess(ilse, "Opvang") // a direct message: shard 0
	for _, l := range []struct {
		h              *harness
		channel, group string
	}{{h0, chanA, "Bewoners"}, {h1, chanB, "Gemeente"}} {
		r := l.h.command(ilse, l.channel, "link", text("code", code), text("group", l.group))
		s.answered(r, false, "Deze chat is nu de groep "+l.group)
	}
	h0.press(wim, chanA, "Ik stem in en doe mee")
	h1.press(marieke, chanB, "Ik stem in en doe mee")

	r := h0.command(ilse, fake.DMChannel(ilse), "round", text("kind", "concerns"), text("scope", "all"))
	s.answered(r, false, "Ronde 1 (Zorgen en ervaringen delen) is geopend in 2 chats.")
	const concerns = "Ronde 1 · Zorgen en ervaringen delen"
	// Wim answers through the button and its form (shard 0's server);
	// Marieke replies to the round's message (shard 1's server).
	s.answerPrivately(wim, chanA, "Wim zegt: de school ligt ertegenover.")
	got := e2e{harness: h1, t: t}.replyTo(marieke, s.says(chanB, concerns), "Marieke zegt: we communiceerden slecht.")
	s.contains(got, "je antwoord in ronde 1 (Zorgen en ervaringen delen) is ontvangen")
	s.contains(s.says(chanA, concerns), "1 van 1 heeft geantwoord")
	s.contains(s.says(chanB, concerns), "1 van 1 heeft geantwoord")

	h0.dm(ilse, "/close 1")
	summary := s.find(fake.DMChannel(ilse), "Samenvatting ronde 1")
	for _, answer := range []string{"Wim zegt: de school ligt ertegenover.", "Marieke zegt: we communiceerden slecht."} {
		if n := strings.Count(plain(summary.Content), answer); n != 1 {
			t.Errorf("the summary has %q %d times, want once:\n%s", answer, n, plain(summary.Content))
		}
	}

	// Each instance got only its own server's events, and shard 0 the
	// direct messages.
	for _, c := range []struct {
		seen *shardSeen
		mine string
	}{{seen0, guildA}, {seen1, guildB}} {
		for _, typ := range []string{"GUILD_CREATE", "INTERACTION_CREATE", "MESSAGE_CREATE"} {
			guilds := c.seen.guilds(typ)
			if len(guilds) == 0 {
				t.Errorf("the shard of %s got no %s", c.mine, typ)
			}
			for _, g := range guilds {
				if g != c.mine && !(g == "" && c.seen == seen0) {
					t.Errorf("the shard of %s got a %s of guild %q", c.mine, typ, g)
				}
			}
		}
	}
	if !slices.Contains(seen0.guilds("MESSAGE_CREATE"), "") || !slices.Contains(seen0.guilds("INTERACTION_CREATE"), "") {
		t.Error("shard 0 got no direct message or interaction in one")
	}

	// Shard 0 registered the commands, once; shard 1 never.
	if n0, n1 := seen0.count("PUT", "/commands"), seen1.count("PUT", "/commands"); n0 != 1 || n1 != 0 {
		t.Errorf("commands registered %d times by shard 0 and %d by shard 1, want once by shard 0", n0, n1)
	}

	// Catching up after a new session is split like the events: the
	// direct messages on shard 0, each round channel on its server's
	// shard, whose server is asked of Discord once for both.
	ctx := context.Background()
	for _, c := range []struct {
		a                   *Adapter
		set, channel, whose string
		want                bool
	}{
		{h0.a, dmChannelsKey, fake.DMChannel(wim), "shard 0, a direct message", true},
		{h1.a, dmChannelsKey, fake.DMChannel(wim), "shard 1, a direct message", false},
		{h0.a, roundChannelsKey, chanA, "shard 0, its server's channel", true},
		{h1.a, roundChannelsKey, chanA, "shard 1, shard 0's channel", false},
		{h0.a, roundChannelsKey, chanB, "shard 0, shard 1's channel", false},
		{h1.a, roundChannelsKey, chanB, "shard 1, its server's channel", true},
	} {
		if got := c.a.catchesUp(ctx, c.set, c.channel); got != c.want {
			t.Errorf("%s: catches up %v, want %v", c.whose, got, c.want)
		}
	}
	asked := seen0.count("GET", "/channels/"+chanA) + seen1.count("GET", "/channels/"+chanA)
	if asked != 1 {
		t.Errorf("the server of a channel was asked %d times, want once (remembered in the store)", asked)
	}
}

// TestShardOutOfRange: New refuses a shard outside its count before it
// asks Discord anything (discordgo would refuse it on every connection,
// and Run retry forever).
func TestShardOutOfRange(t *testing.T) {
	for _, c := range [][2]int{{2, 2}, {-1, 2}, {0, -1}} {
		_, err := New(context.Background(), Config{Token: "x", ShardID: c[0], ShardCount: c[1]}, nil, nil)
		if err == nil || !strings.Contains(err.Error(), "the shard id must be 0 to shard count - 1") {
			t.Errorf("shard %d of %d: %v", c[0], c[1], err)
		}
	}
}
