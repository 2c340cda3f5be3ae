package telegram

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// DefaultAPIURL is the official Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// Modes of receiving updates.
const (
	ModePoll    = "poll"
	ModeWebhook = "webhook"
)

// Config is how the adapter reaches Telegram.
type Config struct {
	Token  string // from @BotFather; never logged
	APIURL string // default DefaultAPIURL
	Mode   string // ModePoll (default) or ModeWebhook
	// WebhookListen is the address the webhook server listens on
	// (":8443"); WebhookURL is the public https URL Telegram posts to;
	// WebhookSecret is the secret Telegram sends along with every update.
	WebhookListen, WebhookURL, WebhookSecret string
	// PollTimeout is how long one getUpdates waits for updates. Default 50s.
	PollTimeout time.Duration
	// PollLease is the term of the poll lease: of several instances
	// sharing a store, only its holder polls, renewing it every third of
	// it; when the holder dies another takes over within about this.
	// Default 30s.
	PollLease time.Duration
	// HTTPClient talks to the Bot API. Default: one with a timeout a little
	// over PollTimeout.
	HTTPClient *http.Client
	// Limits on sending. Default DefaultLimits.
	Limits Limits
	Logger *slog.Logger
	// RateLimited is called each time Telegram answers 429 Too Many
	// Requests, for metrics. Optional.
	RateLimited func()
}

// Core is what the adapter needs of the bot core.
type Core interface {
	// Handle handles one update and returns the direct reply (nil: none).
	Handle(ctx context.Context, u *bot.Update) (*bot.Reply, error)
	// MoveChat re-keys a chat that got a new id; LoseChat tells the
	// facilitators the bot was removed from one. Both ignore chats that
	// belong to no process.
	MoveChat(ctx context.Context, from, to flows.ChatID, key string) error
	LoseChat(ctx context.Context, chat flows.ChatID, key string) error
	RegainChat(ctx context.Context, chat flows.ChatID, key string) (bool, error)
	// ButtonKey signs button data; DerivedKey gives a key for a purpose.
	ButtonKey() []byte
	DerivedKey(purpose string) []byte
	Renderer() *bot.Renderer
}

// Store is what the adapter keeps: updates until they are handled, the
// polling offset, chats that moved, and the leases that let one instance
// poll and one handle each update.
type Store interface {
	bot.Temps
	bot.Indexes
	bot.Leases
}

// Adapter is the Telegram side of the bot: it receives updates and hands
// them to the core, delivers the core's replies, and is the core's
// bot.Transport for "tg" chats.
type Adapter struct {
	cfg      Config
	core     Core
	store    Store
	log      *slog.Logger
	api      *tgbot.Bot
	http     *http.Client
	botID    int64
	username string
	codec    buttonCodec
	sealer   cipher.AEAD // encrypts raw updates while they wait in the store
	limits   *limiter
	edits    *editCache
	inbox    chan struct{}
	// id names this instance as the holder of leases.
	id string
	// dieHolding is for tests: stop without releasing the poll lease, as a
	// process killed with SIGKILL would.
	dieHolding bool
	// sleep waits between polling attempts (bot.Sleep); tests replace it
	// to see the backoff without waiting it out.
	sleep func(ctx context.Context, d time.Duration) error
	// bg lives as long as the adapter runs: replies finished in the
	// background stop with it.
	bg     context.Context
	stopBG context.CancelFunc
}

// New connects to the Bot API (getMe) and returns an adapter ready to Run.
func New(ctx context.Context, cfg Config, core Core, store Store) (*Adapter, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("telegram: no bot token: set SAMEN_TELEGRAM_TOKEN to the token @BotFather gave you")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if cfg.Mode == "" {
		cfg.Mode = ModePoll
	}
	if cfg.PollTimeout < 2*time.Second {
		cfg.PollTimeout = 50 * time.Second
	}
	if cfg.PollLease <= 0 {
		cfg.PollLease = 30 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: cfg.PollTimeout + 15*time.Second}
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	a := &Adapter{
		cfg: cfg, core: core, store: store, log: cfg.Logger, http: cfg.HTTPClient,
		codec:  buttonCodec{key: core.ButtonKey()},
		limits: newLimiter(cfg.Limits, nil),
		edits:  newEditCache(),
		inbox:  make(chan struct{}, 1),
		id:     "tg-" + rand.Text(),
		sleep:  bot.Sleep,
	}
	a.bg, a.stopBG = context.WithCancel(context.WithoutCancel(ctx))
	block, err := aes.NewCipher(core.DerivedKey("telegram inbox v1"))
	if err != nil {
		return nil, err
	}
	if a.sealer, err = cipher.NewGCM(block); err != nil {
		return nil, err
	}
	api, err := tgbot.New(cfg.Token,
		tgbot.WithServerURL(cfg.APIURL),
		tgbot.WithHTTPClient(cfg.PollTimeout, cfg.HTTPClient),
		tgbot.WithSkipGetMe(),
		tgbot.WithNotAsyncHandlers(),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", a.redact(err))
	}
	a.api = api
	me, err := api.GetMe(ctx)
	if err != nil {
		return nil, fmt.Errorf("telegram: ask the Bot API who we are (getMe): %w", a.redact(err))
	}
	a.botID, a.username = me.ID, me.Username
	return a, nil
}

// Username is the bot's @name, without the @.
func (a *Adapter) Username() string { return a.username }

// Run receives updates until ctx ends: it registers the command lists,
// finishes updates a crash left unhandled, then polls or serves the webhook.
func (a *Adapter) Run(ctx context.Context) error {
	defer a.stopBG()
	if err := a.setCommands(ctx); err != nil {
		a.log.WarnContext(ctx, "register commands failed", "err", a.redact(err))
	}
	if a.cfg.Mode == ModeWebhook {
		return a.serveWebhook(ctx)
	}
	return a.poll(ctx)
}

// redact removes the token from an error: net/http errors quote the URL,
// and the token is part of every Bot API URL.
func (a *Adapter) redact(err error) error {
	if err == nil || a.cfg.Token == "" || !strings.Contains(err.Error(), a.cfg.Token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), a.cfg.Token, "<token>"))
}
