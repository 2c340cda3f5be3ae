package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/discord"
	"github.com/samen-bot/samen/bot/telegram"
	"github.com/samen-bot/samen/bot/web"
	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/internal/metrics"
	"github.com/samen-bot/samen/store"
)

// runCommand is `samen run`: it validates the configuration, opens the
// store and runs the configured platforms.
func runCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	config := configFlag(fs)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	a, err := openApp(ctx, config(), getenv, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "samen: %v\n", err)
		return exitUsage
	}
	defer a.close()
	// Index entries a crash may have lost between a commit and its index
	// write come back from the logs before any update is handled.
	n, err := a.bot.RepairIndexes(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "samen: %v\n", err)
		return exitFailed
	}
	a.log.Info("indexes checked", "processes", n)
	if !a.cfg.platforms() && !a.cfg.Web.playground(false) && a.cfg.Web.Playground != playgroundOff {
		fmt.Fprintf(stderr, `samen: no chat platform is configured, and the playground is served only on this
machine unless asked for: it has no login, so whoever reaches it can act as
anyone in it. [web] listen is %q and public_url %q.
To rehearse on this machine, listen on 127.0.0.1 (SAMEN_LISTEN=127.0.0.1:8080)
and leave public_url empty; to serve it to others on a network you trust, set
[web] playground = "on". To connect to Telegram or Discord, set
SAMEN_TELEGRAM_TOKEN or SAMEN_DISCORD_TOKEN (the README says how).
`, a.cfg.Web.Listen, a.cfg.Web.PublicURL)
		return exitUsage
	}
	if !a.cfg.platforms() && !a.cfg.Web.playground(false) {
		fmt.Fprint(stderr, `samen: no chat platform is configured and the playground is off ([web] playground = "off"),
so there is nothing to run. The store and configuration are fine.
To rehearse a process in your browser, set [web] playground to "auto" or "on"
(or remove the line): the playground then serves on [web] listen.
To connect to Telegram, set SAMEN_TELEGRAM_TOKEN to your bot's token from
@BotFather; for Discord, set SAMEN_DISCORD_TOKEN (the README says how, for both).
Or run a whole process in the terminal:

  go run ./cmd/samen simulate bot/simulate/testdata/opvang-dorpsstraat.txt
`)
		return exitUsage
	}
	if err := a.serve(ctx, stdout); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "samen: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// platform is a connected chat platform: it receives updates until ctx
// ends and delivers the outbox's messages for its chats.
type platform interface {
	bot.Transport
	Run(ctx context.Context) error
}

// platforms reports whether a chat platform is configured.
func (c Config) platforms() bool { return c.Telegram.Enabled() || c.Discord.Enabled() }

// serve runs the configured platforms, the web server (the playground),
// the sender and the timers until ctx ends or one of them fails. It
// prints the web server's address to stdout.
func (a *app) serve(ctx context.Context, stdout io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The ops endpoints first, answering "starting" while platforms
	// connect, and last to stop.
	o := &ops{store: a.ping, metrics: a.metrics.Handler(), state: "starting"}
	if a.cfg.Ops.enabled() {
		defer a.startOps(o)()
	}
	// The playground and the web server first: an address in use stops
	// the start before any platform is connected.
	var sender *bot.Sender
	var pg *web.Playground
	if a.cfg.Web.playground(a.cfg.platforms()) {
		var err error
		pg, err = web.New(a.bot, a.store, web.Options{Logger: a.log, Flush: func(ctx context.Context) error {
			// The sender lets one flush at a time send an outbox, so this
			// is safe beside its Run.
			return sender.FlushAll(ctx)
		}})
		if err != nil {
			return fmt.Errorf("start the playground: %w", err)
		}
	}
	// The dashboard runs where its links can reach it: at public_url, or
	// beside the playground (on this machine).
	var dash *web.Dashboard
	if a.cfg.Web.PublicURL != "" || pg != nil {
		dash = web.NewDashboard(a.bot, web.DashboardOptions{
			Chromium: a.cfg.Web.Chromium, SecureCookies: a.cfg.Web.secure(), Logger: a.log,
		})
	}
	var srv *http.Server
	var ln net.Listener
	if h := webHandler(pg, dash); h != nil {
		var err error
		if ln, err = listenWeb(ctx, a.cfg.Web.Listen); err != nil {
			return err
		}
		defer ln.Close() // closed by the server once it serves; this is for a failed start
		srv = newWebServer(h, a.log)
		if dash != nil {
			a.bot.SetDashboardURL(a.cfg.Web.url(ln.Addr().String()))
		}
	}
	platforms := map[string]platform{}
	if a.cfg.Telegram.Enabled() {
		tg, err := telegram.New(ctx, telegram.Config{
			Token: a.cfg.Telegram.Token, APIURL: a.cfg.Telegram.APIURL, Mode: a.cfg.Telegram.Mode,
			WebhookListen: a.cfg.Telegram.WebhookListen, WebhookURL: a.cfg.Telegram.WebhookURL,
			WebhookSecret: a.cfg.Telegram.WebhookSecret, PollLease: a.cfg.Telegram.pollLease(), Logger: a.log,
			RateLimited: a.metrics.RateLimited(telegram.Platform),
		}, a.bot, a.store)
		if err != nil {
			return err
		}
		platforms[telegram.Platform] = tg
		a.log.Info("connected to Telegram", "bot", tg.Username(), "mode", cmp.Or(a.cfg.Telegram.Mode, "poll"))
	}
	if a.cfg.Discord.Enabled() {
		dc, err := discord.New(ctx, discord.Config{
			Token: a.cfg.Discord.Token, ApplicationID: a.cfg.Discord.ApplicationID, GuildIDs: a.cfg.Discord.GuildIDs,
			APIURL: a.cfg.Discord.APIURL, RoundThreads: a.cfg.Discord.RoundThreads, Logger: a.log,
			ShardID: a.cfg.Discord.ShardID, ShardCount: a.cfg.Discord.ShardCount,
			RateLimited: a.metrics.RateLimited(discord.Platform),
		}, a.bot, a.store)
		if err != nil {
			return err
		}
		platforms[discord.Platform] = dc
		a.log.Info("connected to Discord", "bot_user", dc.BotID())
	}
	transports := map[string]bot.Transport{}
	for name, p := range platforms {
		transports[name] = p
	}
	if pg != nil {
		transports[web.Platform] = pg
	}
	sender = bot.NewSender(a.store, a.bot.Renderer(), transports, a.log, bot.WithObserver(a.metrics))
	a.wake.Store(sender)
	a.metrics.Gauges(func(ctx context.Context) (int, error) { return sender.Pending(ctx, 100) }, a.bot.ActiveProcesses)

	// Every part runs until ctx ends or it fails; the first to stop stops
	// the others, and serve waits for all of them.
	var parts []func(context.Context) error
	for _, p := range platforms {
		parts = append(parts, p.Run)
	}
	parts = append(parts, sender.Run, func(ctx context.Context) error { return a.bot.RunTimers(ctx, time.Second) })
	if srv != nil {
		parts = append(parts, func(ctx context.Context) error { return serveWeb(ctx, srv, ln, a.log) })
		a.announceWeb(stdout, ln.Addr(), pg != nil)
	}
	errs := make(chan error, len(parts))
	for _, run := range parts {
		go func() { errs <- run(ctx) }()
	}
	o.serving(platforms)
	err := <-errs
	o.stopping()
	cancel()
	for range len(parts) - 1 {
		<-errs
	}
	a.drain(ctx, sender)
	return err
}

// drain sends what the outboxes still hold, within [ops] drain_timeout,
// once nothing else runs: no update comes in, no timer fires. What is left
// is sent at the next start.
func (a *app) drain(ctx context.Context, sender *bot.Sender) {
	d := a.cfg.Ops.drain()
	if d <= 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d)
	defer cancel()
	start := time.Now()
	left, err := sender.Drain(ctx)
	if err != nil {
		a.log.Warn("stopped with messages still queued; they are sent at the next start", "left", left, "drain_timeout", d.String(), "err", err)
		return
	}
	a.log.Info("outboxes drained", "took_ms", time.Since(start).Milliseconds())
}

// announceWeb tells where the web server is: on stdout for the person who
// started the bot, and in the log.
func (a *app) announceWeb(stdout io.Writer, addr net.Addr, playground bool) {
	u := a.cfg.Web.url(addr.String())
	a.log.Info("web server listening", "listen", addr.String(), "url", u, "playground", playground)
	if playground {
		fmt.Fprintf(stdout, "Samen draait: open %s in je browser (Ctrl+C stopt).\n", u)
		if !a.cfg.Web.private() {
			a.log.Warn("the playground has no login: whoever can reach this address can act as anyone in it; keep [web] listen on 127.0.0.1 and public_url empty unless the network is trusted", "listen", addr.String(), "url", u)
		}
	}
	if a.cfg.Web.PublicURL != "" && !a.cfg.Web.secure() && !a.cfg.Web.private() {
		a.log.Warn("public_url is plain http on a public address: dashboard links and sessions travel unencrypted; put https in front (a reverse proxy) and set public_url to its https address", "url", u)
	}
}

// configFlag adds -config to fs; the function it returns tells, after
// parsing, which file to read and whether it was named explicitly.
func configFlag(fs *flag.FlagSet) func() configChoice {
	path := fs.String("config", defaultConfigFile, "the config file (TOML; see config.example.toml)")
	return func() configChoice {
		c := configChoice{path: *path}
		fs.Visit(func(f *flag.Flag) { c.explicit = c.explicit || f.Name == "config" })
		return c
	}
}

type configChoice struct {
	path     string
	explicit bool
}

// app is what the commands that use the store share: the configuration,
// the logger, the store and the bot on it.
type app struct {
	cfg   Config
	log   *slog.Logger
	bot   *bot.Bot
	store bot.Store
	close func()
	// wake is the sender to wake when a commit queued messages; nil until
	// a sender runs.
	wake atomic.Pointer[bot.Sender]
	// metrics times the store (store is wrapped), the core and the sender;
	// ping is the store's own health check (nil if it has none).
	metrics *metrics.Metrics
	ping    pinger
	// backend is the store itself, unwrapped: what backup and restore
	// need of it is beyond bot.Store.
	backend bot.Store
}

// openApp reads the configuration and opens the store and the bot. A held
// embedded store gives an error matching store.ErrLocked.
func openApp(ctx context.Context, c configChoice, getenv func(string) string, stderr io.Writer) (*app, error) {
	cfg, err := loadConfig(c.path, c.explicit, getenv)
	if err != nil {
		return nil, err
	}
	log := cfg.Log.logger(stderr)
	templates, err := loadTemplates(cfg.Templates.Dir)
	if err != nil {
		return nil, err
	}
	st, closeStore, err := openStore(ctx, cfg.Store, log)
	if err != nil {
		return nil, err
	}
	secret, err := loadSecret(cfg.Store, getenv, log)
	if err != nil {
		closeStore()
		return nil, err
	}
	a := &app{cfg: cfg, log: log, close: closeStore, metrics: metrics.New()}
	a.ping, _ = st.(pinger)
	a.backend = st
	a.store = a.metrics.Store(st)
	a.bot, err = bot.New(bot.Config{Store: a.store, Secret: secret, Logger: log, Templates: templates, Observer: a.metrics, Retention: cfg.Retention.rule(), Outboxed: func(string) {
		if s := a.wake.Load(); s != nil {
			s.Wake()
		}
	}})
	if err != nil {
		closeStore()
		return nil, err
	}
	return a, nil
}

// openStore opens Redis if a URL is configured (a server, a Cluster or a
// Sentinel-managed master, as store.redis_mode says), otherwise the
// embedded store in the data directory.
func openStore(ctx context.Context, cfg StoreConfig, log *slog.Logger) (bot.Store, func(), error) {
	if cfg.RedisURL != "" {
		mode := cfg.redisMode()
		r, err := store.OpenRedisMode(ctx, mode, cfg.RedisURL, store.RedisOptions{})
		if err != nil {
			return nil, nil, fmt.Errorf("connect to Redis (%s): %w (check SAMEN_REDIS_URL and store.redis_mode, or unset SAMEN_REDIS_URL to use the embedded store)", mode, err)
		}
		log.Info("store: redis", "mode", string(mode))
		return r, func() { r.Close() }, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("create data directory: %w (set SAMEN_DATA_DIR to a directory you can write)", err)
	}
	path := filepath.Join(cfg.DataDir, "samen.db")
	b, err := store.OpenBolt(path, store.BoltOptions{})
	if err != nil {
		return nil, nil, err
	}
	log.Info("store: embedded", "path", path)
	return b, func() { b.Close() }, nil
}

// secretFile holds a generated secret for a single machine on the embedded
// store, when SAMEN_SECRET is not set.
const secretFile = "secret"

// loadSecret returns SAMEN_SECRET. Without it, the embedded store gets a
// generated secret kept in the data directory (outside the store file);
// Redis, meant for production, requires it.
func loadSecret(cfg StoreConfig, getenv func(string) string, log *slog.Logger) ([]byte, error) {
	if s := getenv("SAMEN_SECRET"); s != "" {
		if len(s) < bot.MinSecretBytes {
			return nil, fmt.Errorf("SAMEN_SECRET is %d characters; use at least %d, e.g. generate one with: openssl rand -hex 32", len(s), bot.MinSecretBytes)
		}
		return []byte(s), nil
	}
	if cfg.RedisURL != "" {
		return nil, errors.New("SAMEN_SECRET is not set: with Redis, set it to at least 32 random characters (openssl rand -hex 32) and keep it outside the store")
	}
	path := filepath.Join(cfg.DataDir, secretFile)
	if b, err := os.ReadFile(path); err == nil && len(b) >= bot.MinSecretBytes {
		return b, nil
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	secret := []byte(hex.EncodeToString(raw))
	if err := os.WriteFile(path, secret, 0o600); err != nil {
		return nil, fmt.Errorf("write generated secret: %w (or set SAMEN_SECRET)", err)
	}
	log.Warn("SAMEN_SECRET is not set: generated one in the data directory; set SAMEN_SECRET in production so that the secret is not kept beside the data", "path", path)
	return secret, nil
}

// loadTemplates returns the built-in templates plus those in dir, each
// checked like `samen check`.
func loadTemplates(dir string) (map[string]*flows.Template, error) {
	templates := flows.BuiltinTemplates(validZone)
	if dir == "" {
		return templates, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.toml"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		t, problems := flows.ParseTemplate(f, data, validZone)
		if len(problems) > 0 {
			return nil, fmt.Errorf("template %s has problems (run samen check %s):\n%v", f, f, problems)
		}
		templates[t.Name] = t
	}
	return templates, nil
}
