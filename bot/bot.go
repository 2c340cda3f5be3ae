package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/samen-bot/samen/flows"
)

// Config wires a Bot. Store and Secret are required.
type Config struct {
	Store Store
	// Secret keys the hashes that stand in for anonymous authors and for
	// platform update ids. It is never stored; at least 32 bytes.
	Secret []byte
	// Logger receives operational logs; it never gets user ids, tokens or
	// answer texts. Default: discard.
	Logger *slog.Logger
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// Templates a process may use, by name. Default: the built-in ones.
	Templates map[string]*flows.Template
	// SnapshotEvery is how many events may follow a snapshot before a new
	// one is written. Default: 50.
	SnapshotEvery int
	// Outboxed is called after a commit that queued messages for process,
	// to wake the sender. Optional.
	Outboxed func(process string)
	// DashboardURL is the public address of the web dashboard
	// ("https://samen.example.org"); /dashboard links go there. Empty:
	// /dashboard says the dashboard is not enabled (see SetDashboardURL).
	DashboardURL string
	// DashboardTTL is how long a dashboard link works. Default:
	// DefaultDashboardTTL.
	DashboardTTL time.Duration
	// Observer is told how long each update took, for metrics. Optional.
	Observer Observer
	// StateCache is how many processes' states are kept in memory between
	// commands (see stateCache). Default DefaultStateCache; negative: none.
	StateCache int
	// Retention deletes processes a period after their last activity,
	// telling the facilitators ahead (see Sweep). Zero After: keep them.
	Retention flows.Retention
}

// DefaultRetentionNotice is how long ahead facilitators are told that a
// process will be deleted, when Config.Retention leaves Notice zero.
const DefaultRetentionNotice = 14 * 24 * time.Hour

// MinSecretBytes is the shortest Secret a Bot accepts.
const MinSecretBytes = 32

// Bot is the platform-neutral bot core.
type Bot struct {
	store     Store
	secret    []byte
	log       *slog.Logger
	now       func() time.Time
	templates map[string]*flows.Template
	snapEvery int
	outboxed  func(string)
	observe   Observer
	// dashboardURL and dashboardTTL: see Config.
	dashboardURL atomic.Pointer[string]
	dashboardTTL time.Duration
	render       *Renderer
	handler      Handler
	mux          *Mux
	zones        sync.Map // name → *time.Location (nil if unknown)
	locks        processLocks
	retention    flows.Retention
	cache        *stateCache
	langs        languages
}

// New returns a Bot ready to handle updates.
func New(cfg Config) (*Bot, error) {
	if cfg.Store == nil {
		return nil, errors.New("bot: no store configured")
	}
	if len(cfg.Secret) < MinSecretBytes {
		return nil, fmt.Errorf("bot: the secret must be at least %d bytes, got %d", MinSecretBytes, len(cfg.Secret))
	}
	b := &Bot{
		store:     cfg.Store,
		secret:    cfg.Secret,
		log:       cfg.Logger,
		now:       cfg.Now,
		templates: cfg.Templates,
		snapEvery: cfg.SnapshotEvery,
		outboxed:  cfg.Outboxed,
		observe:   cfg.Observer,
		retention: cfg.Retention,

		dashboardTTL: cfg.DashboardTTL,
	}
	b.SetDashboardURL(cfg.DashboardURL)
	if b.dashboardTTL <= 0 {
		b.dashboardTTL = DefaultDashboardTTL
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.templates == nil {
		b.templates = flows.BuiltinTemplates(b.validZone)
	}
	if b.templates[flows.DefaultTemplate] == nil {
		return nil, fmt.Errorf("bot: the templates lack the default %q", flows.DefaultTemplate)
	}
	if b.retention.After > 0 && b.retention.Notice <= 0 {
		b.retention.Notice = DefaultRetentionNotice
	}
	if b.snapEvery <= 0 {
		b.snapEvery = 50
	}
	if b.outboxed == nil {
		b.outboxed = func(string) {}
	}
	if b.observe == nil {
		b.observe = noObserver{}
	}
	if cfg.StateCache == 0 {
		cfg.StateCache = DefaultStateCache
	}
	b.cache = newStateCache(cfg.StateCache)
	b.render = NewRenderer(b.location)
	b.mux = b.routes()
	b.handler = Chain(b.mux, Errors(b.log), Recover(), unresolved)
	return b, nil
}

// SetDashboardURL sets the dashboard's public address, for a server that
// knows it only once it listens ("": the dashboard is off).
func (b *Bot) SetDashboardURL(u string) {
	u = strings.TrimRight(u, "/")
	b.dashboardURL.Store(&u)
}

// Renderer returns the bot's renderer, for adapters and the sender.
func (b *Bot) Renderer() *Renderer { return b.render }

// location returns a time zone by name, caching lookups; nil if unknown.
func (b *Bot) location(name string) *time.Location {
	if v, ok := b.zones.Load(name); ok {
		loc, _ := v.(*time.Location)
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		loc = nil
	}
	b.zones.Store(name, loc)
	return loc
}

func (b *Bot) validZone(name string) bool { return b.location(name) != nil }

// Handle handles one update and returns the reply to give at once (nil for
// none). The error is non-nil only when the update could not be handled at
// all (the context ended); anything else becomes a kind reply.
func (b *Bot) Handle(ctx context.Context, u *Update) (*Reply, error) {
	start := time.Now()
	defer func() { b.observe.Handled(flows.Platform(string(u.Chat.ID)), updateKind(u), time.Since(start)) }()
	u = cleaned(u)
	req := &Request{Update: u, Actor: u.actor()}
	if u.Button == nil {
		if c, ok := parseCommand(u.Text); ok {
			if !c.forUs(u.BotName) {
				return nil, nil // addressed to another bot
			}
			// In a group, another bot's command without @name is not ours
			// to answer; in a private chat every command is.
			if !u.Chat.Private && c.To == "" && !b.mux.knows(c.Name) {
				return nil, nil
			}
			req.Command, req.Args = c.Name, c.Args
		}
	}
	b.resolve(ctx, req)
	msg, err := b.handler.Serve(ctx, req)
	if err != nil || msg == nil {
		return nil, err
	}
	lang := b.replyLanguage(ctx, req, msg)
	text, buttons := b.render.Message(msg, lang)
	form := b.render.Form(req.form, lang)
	if form != nil {
		form.Process, form.Input = req.await.Process, inputID(req.await)
	}
	return &Reply{Private: msg.Private, Text: text, Buttons: buttons, File: req.file, Lang: lang, Form: form, Asks: req.asks}, nil
}

// cleaned is the update with its texts as the engine takes them
// (flows.CleanText): no control characters but newline and tab, no bidi
// overrides, nothing invisible at either end. The caller's update is left
// as it was.
func cleaned(u *Update) *Update {
	c := *u
	c.Text = flows.CleanText(u.Text)
	if u.Fields != nil {
		c.Fields = make([]string, len(u.Fields))
		for i, f := range u.Fields {
			c.Fields[i] = flows.CleanText(f)
		}
	}
	return &c
}

// replyLanguage is the language of a reply: in a group chat, where everyone
// reads it, the process's; shown to the actor alone, their own (/lang), else
// the process's, else Dutch.
func (b *Bot) replyLanguage(ctx context.Context, req *Request, msg *flows.Message) string {
	processLang := req.ProcessLang
	if processLang == "" && req.Process != "" {
		if p, err := b.load(ctx, req.Process); err == nil {
			processLang = p.Locale()
		}
	}
	if !msg.Private && !req.Update.Chat.Private && processLang != "" {
		return processLang
	}
	if lang := flows.PersonalLocale(req.Lang, processLang); lang != "" {
		return lang
	}
	return flows.DefaultLanguage
}

// resolve finds the process an update concerns and the language to answer in.
func (b *Bot) resolve(ctx context.Context, req *Request) {
	u := req.Update
	// A store that does not answer stops the request (unresolved): looked
	// up as "not found", an answer would pass for text in an unlinked chat
	// and be dropped without a word.
	failed := func(err error) {
		if err != nil && req.resolveErr == nil && !errors.Is(err, flows.ErrNotFound) && storeUnavailable(err) {
			req.resolveErr = err
		}
	}
	lang, err := b.chosenLanguage(ctx, u.User)
	if err == nil {
		req.Lang = lang
	}
	failed(err)
	switch {
	case u.Process != "":
		req.Process = u.Process
	case u.Button != nil:
		req.Process = u.Button.Process
	case !u.Chat.Private:
		v, err := b.store.Index(ctx, chatKey(u.Chat.ID))
		if err == nil {
			req.Process = processOf(v)
		}
		failed(err)
	case req.Command == "":
		a, err := b.awaiting(ctx, u.User)
		if err == nil {
			req.Process = a.Process
		}
		failed(err)
	default:
		v, err := b.store.Index(ctx, currentKey(u.User))
		if err == nil {
			req.Process = v
		}
		failed(err)
	}
}

// unresolved ends a request whose process could not be looked up because
// the store did not answer, with that error (Errors tells the person).
func unresolved(next Handler) Handler {
	return HandlerFunc(func(ctx context.Context, req *Request) (*flows.Message, error) {
		if req.resolveErr != nil {
			return nil, fmt.Errorf("resolve update: %w", req.resolveErr)
		}
		return next.Serve(ctx, req)
	})
}
