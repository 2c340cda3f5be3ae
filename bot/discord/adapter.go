package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// DefaultAPIURL is Discord itself.
const DefaultAPIURL = "https://discord.com"

// intents are the gateway events the bot needs: guilds (channels and
// threads that go away), guild messages (replies that mention the bot) and
// direct messages. None is privileged: the Message Content intent is not
// asked for, since answers come through buttons and forms.
const intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

// Config is how the adapter reaches Discord.
type Config struct {
	Token string // the bot's token; never logged
	// ApplicationID is the application's id; default: the bot user's id,
	// which is the same for bots made in the Developer Portal.
	ApplicationID string
	// GuildIDs are the servers to register the slash commands in (at once);
	// with none, they are registered globally (Discord takes up to an hour
	// to show global changes).
	GuildIDs []string
	// APIURL is where Discord is (default DefaultAPIURL): every request is
	// sent there instead.
	APIURL string
	// HTTPClient talks to Discord's REST API. Default: a client with a 20 s
	// time-out that sends to APIURL.
	HTTPClient *http.Client
	// AnswerWithin is how long an interaction's work may take before it is
	// deferred: Discord waits three seconds for the first answer. Default
	// 2 s; negative: always defer first.
	AnswerWithin time.Duration
	// RoundThreads opens a thread on a round's message in a channel, for
	// the conversation about it.
	RoundThreads bool
	Logger       *slog.Logger
	// RateLimited is called each time Discord answers a message's send
	// with 429 Too Many Requests, for metrics. Optional.
	RateLimited func()
	// ShardID and ShardCount are this instance's gateway shard (see
	// shard.go): it gets the events of the servers whose
	// (id >> 22) % ShardCount is ShardID, and shard 0 the direct messages
	// too. Default 0 of 1: every server.
	ShardID    int
	ShardCount int
}

// Core is what the adapter needs of the bot core.
type Core interface {
	// Handle handles one update and returns the direct reply (nil: none).
	Handle(ctx context.Context, u *bot.Update) (*bot.Reply, error)
	// LoseChat tells the facilitators the bot lost a chat (a channel or
	// thread was deleted). It ignores chats that belong to no process.
	LoseChat(ctx context.Context, chat flows.ChatID, key string) error
	// ButtonKey signs button data.
	ButtonKey() []byte
	Renderer() *bot.Renderer
}

// Store is what the adapter keeps: direct message channels, the last
// direct message handled in each, and the command set registered.
type Store interface {
	bot.Temps
	bot.Indexes
}

// Adapter is the Discord side of the bot: it receives interactions and
// direct messages and hands them to the core, answers them, and is the
// core's bot.Transport for "dc" chats.
type Adapter struct {
	cfg   Config
	core  Core
	store Store
	log   *slog.Logger
	codec bot.ButtonCodec

	// gateway holds the websocket and answers interactions; rest sends
	// everything else. Each has its own rate limiter, so an interaction's
	// answer never waits behind the outbox (discordgo sleeps inside a
	// bucket when a limit is hit).
	gateway *discordgo.Session
	rest    *discordgo.Session
	botID   string

	dms     sync.Map // user id → direct message channel id
	serial  serial   // messages of one channel, handled in order
	dropped chan struct{}
	// running counts the work handed on from the gateway's events, so that
	// Run returns only when it is done (or a bound has passed).
	running sync.WaitGroup
	guilds  guildChannels

	// bg lives as long as the adapter runs: work finished in the
	// background stops with it.
	bg     context.Context
	stopBG context.CancelFunc
}

// New checks the token with Discord (who are we?) and returns an adapter
// ready to Run.
func New(ctx context.Context, cfg Config, core Core, store Store) (*Adapter, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("discord: no bot token: set SAMEN_DISCORD_TOKEN to the token under Bot in the Discord Developer Portal")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.HTTPClient == nil {
		target, err := url.Parse(strings.TrimRight(cfg.APIURL, "/"))
		if err != nil || target.Host == "" {
			return nil, fmt.Errorf("discord: api_url %q is not a URL like %s", cfg.APIURL, DefaultAPIURL)
		}
		cfg.HTTPClient = &http.Client{Timeout: 20 * time.Second, Transport: redirect{to: target}}
	}
	if cfg.AnswerWithin == 0 {
		cfg.AnswerWithin = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ShardCount == 0 {
		cfg.ShardCount = 1
	}
	if cfg.ShardCount < 0 || cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount {
		// discordgo would refuse it on every connection, and Run retry.
		return nil, fmt.Errorf("discord: shard %d of %d: the shard id must be 0 to shard count - 1", cfg.ShardID, cfg.ShardCount)
	}
	a := &Adapter{
		cfg: cfg, core: core, store: store, log: cfg.Logger,
		codec:   bot.ButtonCodec{Key: core.ButtonKey()},
		dropped: make(chan struct{}, 1),
	}
	a.serial.spawn = a.spawn
	a.bg, a.stopBG = context.WithCancel(context.WithoutCancel(ctx))
	a.gateway, a.rest = a.session(), a.session()
	a.gateway.Identify.Intents = intents
	// IDENTIFY carries [ShardID, ShardCount] (discordgo sends it when the
	// count is above 1): Discord then routes only this shard's events here.
	a.gateway.ShardID, a.gateway.ShardCount = cfg.ShardID, cfg.ShardCount
	// Handlers run one at a time, in the order of the gateway's events;
	// each hands its work on (interactions in parallel, direct messages in
	// order per channel), so the reader is never held up.
	a.gateway.SyncEvents = true
	a.gateway.AddHandler(recovered(a, "ready", a.onReady))
	a.gateway.AddHandler(recovered(a, "disconnect", a.onDisconnect))
	a.gateway.AddHandler(recovered(a, "interaction", a.onInteraction))
	a.gateway.AddHandler(recovered(a, "message", a.onMessage))
	a.gateway.AddHandler(recovered(a, "message_update", a.onMessageUpdate))
	a.gateway.AddHandler(recovered(a, "guild_create", a.onGuildCreate))
	a.gateway.AddHandler(recovered(a, "guild_delete", a.onGuildDelete))
	a.gateway.AddHandler(recovered(a, "channel_create", a.onChannelCreate))
	a.gateway.AddHandler(recovered(a, "thread_create", a.onThreadCreate))
	a.gateway.AddHandler(recovered(a, "channel_delete", a.onChannelDelete))
	a.gateway.AddHandler(recovered(a, "thread_delete", a.onThreadDelete))

	me, err := a.rest.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		if isStatus(err, http.StatusUnauthorized) {
			return nil, errors.New("discord: Discord refused the bot token (401): set SAMEN_DISCORD_TOKEN to the token under Bot in the Developer Portal")
		}
		return nil, fmt.Errorf("discord: ask Discord who we are: %w", a.redact(err))
	}
	a.botID = me.ID
	if a.cfg.ApplicationID == "" {
		a.cfg.ApplicationID = me.ID
	}
	return a, nil
}

// session is a discordgo session that never retries a rate limit itself
// (it would sleep, holding a lock, ignoring the context) and never
// reconnects on its own (it would, forever, even with a refused token).
func (a *Adapter) session() *discordgo.Session {
	s, _ := discordgo.New("Bot " + a.cfg.Token) // only fails for user logins
	s.Client = a.cfg.HTTPClient
	s.ShouldRetryOnRateLimit = false
	s.ShouldReconnectOnError = false
	s.StateEnabled = false
	s.LogLevel = -1 // discordgo logs through log.Printf; our own logs say what matters
	return s
}

// BotID is the bot user's id.
func (a *Adapter) BotID() string { return a.botID }

// redirect sends every request to another server (a Discord-compatible
// API or a test's fake): discordgo builds its URLs from package variables,
// which must not be changed.
type redirect struct{ to *url.URL }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.to.Scheme, r.to.Host, r.to.Host
	return http.DefaultTransport.RoundTrip(req)
}

// interactionURL matches the token in the URLs of interaction answers and
// their webhook: with it, anyone could post or edit the bot's answers to
// that person for 15 minutes.
var interactionURL = regexp.MustCompile(`(/(?:interactions|webhooks)/[0-9]+/)[^/?\s"']+`)

// redact removes the bot token, and any interaction token, from an error
// before it is logged: net/http errors quote the URL.
func (a *Adapter) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := interactionURL.ReplaceAllString(msg, "${1}<token>")
	if a.cfg.Token != "" {
		clean = strings.ReplaceAll(clean, a.cfg.Token, "<token>")
	}
	if clean == msg {
		return err
	}
	return errors.New(clean)
}

// spawn runs work on its own goroutine, counted in running and recovered.
func (a *Adapter) spawn(work func()) {
	a.running.Add(1)
	go func() {
		defer a.running.Done()
		defer a.recoverPanic("work")
		work()
	}()
}

// recovered wraps an event handler so that a panic is logged, not fatal:
// discordgo has no recover of its own, and one bad event must not stop the
// bot.
func recovered[E any](a *Adapter, name string, h func(*E)) func(*discordgo.Session, *E) {
	return func(_ *discordgo.Session, e *E) {
		defer a.recoverPanic(name)
		h(e)
	}
}

func (a *Adapter) recoverPanic(name string) {
	if v := recover(); v != nil {
		a.log.Error("discord handler panicked", "event", name, "panic", fmt.Sprint(v))
	}
}

// Connected reports whether the gateway is connected: it heartbeats, and
// has not been closed since (a readiness check's question).
func (a *Adapter) Connected() bool {
	a.gateway.RLock()
	defer a.gateway.RUnlock()
	return a.gateway.DataReady
}
