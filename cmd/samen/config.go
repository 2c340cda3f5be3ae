package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/samen-bot/samen/internal/tomlstrict"
)

// Config is samen.toml (see config.example.toml, which documents every key).
// Secrets never come from this file: SAMEN_SECRET and tokens come from the
// environment only.
type Config struct {
	Store     StoreConfig     `toml:"store"`
	Log       LogConfig       `toml:"log"`
	Templates TemplatesConfig `toml:"templates"`
	Telegram  TelegramConfig  `toml:"telegram"`
	Discord   DiscordConfig   `toml:"discord"`
	Web       WebConfig       `toml:"web"`
	Ops       OpsConfig       `toml:"ops"`
	Retention RetentionConfig `toml:"retention"`
}

// TelegramConfig connects the bot to Telegram. The token and the webhook
// secret come from the environment only (SAMEN_TELEGRAM_TOKEN,
// SAMEN_TELEGRAM_WEBHOOK_SECRET); the keys exist in the file so that
// putting a secret there gets an explanation, not "unknown key".
type TelegramConfig struct {
	Token         string `toml:"token"`
	APIURL        string `toml:"api_url"`
	Mode          string `toml:"mode"` // poll (default) or webhook
	WebhookListen string `toml:"webhook_listen"`
	WebhookURL    string `toml:"webhook_url"`
	WebhookSecret string `toml:"webhook_secret"`
	// PollLease is the poll lease's term, like "30s" (empty: the
	// adapter's default).
	PollLease string `toml:"poll_lease"`
}

// minPollLease keeps the lease's renewal (every third of it) well apart.
const minPollLease = 3 * time.Second

// pollLease is PollLease, validated; 0: the default.
func (t TelegramConfig) pollLease() time.Duration {
	d, _ := time.ParseDuration(t.PollLease)
	return d
}

// Enabled reports whether Telegram is configured.
func (t TelegramConfig) Enabled() bool { return t.Token != "" }

// StoreConfig chooses where state lives.
type StoreConfig struct {
	// RedisURL selects Redis (env SAMEN_REDIS_URL wins). Empty: the
	// embedded store in DataDir.
	RedisURL string `toml:"redis_url"`
	// RedisMode says what RedisURL points at: server (empty: the
	// default), cluster or sentinel (env SAMEN_REDIS_MODE wins).
	RedisMode string `toml:"redis_mode"`
	// DataDir holds the embedded store (env SAMEN_DATA_DIR wins).
	DataDir string `toml:"data_dir"`
}

// LogConfig sets up log/slog.
type LogConfig struct {
	Level  string `toml:"level"`  // debug, info, warn or error
	Format string `toml:"format"` // text or json
}

// TemplatesConfig adds process templates beside the built-in ones.
type TemplatesConfig struct {
	// Dir holds *.toml templates, checked at start-up like `samen check`.
	Dir string `toml:"dir"`
}

// defaultConfig is what runs with no samen.toml at all.
func defaultConfig() Config {
	return Config{
		Store:     StoreConfig{DataDir: "samen-data"},
		Log:       LogConfig{Level: "info", Format: "text"},
		Discord:   DiscordConfig{ShardCount: 1},
		Web:       WebConfig{Listen: defaultListen, Playground: playgroundAuto},
		Ops:       OpsConfig{Listen: defaultOpsListen, DrainTimeout: defaultDrainTimeout},
		Retention: RetentionConfig{NoticeDays: defaultNoticeDays},
	}
}

// defaultConfigFile is read when -config is not given, if it exists.
const defaultConfigFile = "samen.toml"

// loadConfig reads the config file (if any), then the environment, and
// validates the result. Every message says how to fix the mistake.
func loadConfig(path string, explicit bool, getenv func(string) string) (Config, error) {
	cfg := defaultConfig()
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if _, problems := tomlstrict.Decode(data, &cfg); len(problems) > 0 {
			var msgs []string
			for _, p := range problems {
				msgs = append(msgs, fmt.Sprintf("%s:%d: %s", path, p.Line, p.Message))
			}
			return cfg, fmt.Errorf("the config file has mistakes (config.example.toml shows every key):\n%s", strings.Join(msgs, "\n"))
		}
	case errors.Is(err, os.ErrNotExist) && !explicit:
		// No config file: defaults and environment only.
	default:
		return cfg, fmt.Errorf("read config: %w", err)
	}
	if v := getenv("SAMEN_REDIS_URL"); v != "" {
		cfg.Store.RedisURL = v
	} else if urlHasPassword(cfg.Store.RedisURL) {
		return cfg, errors.New("store.redis_url in the config file contains a password: put the whole URL in the SAMEN_REDIS_URL environment variable instead, so the secret stays out of files")
	}
	if v := getenv("SAMEN_REDIS_MODE"); v != "" {
		cfg.Store.RedisMode = v
	}
	if v := getenv("SAMEN_DATA_DIR"); v != "" {
		cfg.Store.DataDir = v
	}
	if err := cfg.Discord.fromEnv(getenv); err != nil {
		return cfg, err
	}
	if err := cfg.Telegram.fromEnv(getenv); err != nil {
		return cfg, err
	}
	cfg.Web.fromEnv(getenv)
	cfg.Ops.fromEnv(getenv)
	cfg.Web.findChromium()
	return cfg, cfg.validate()
}

func (c Config) validate() error {
	var errs []error
	if c.Store.RedisURL == "" && strings.TrimSpace(c.Store.DataDir) == "" {
		errs = append(errs, errors.New("store.data_dir is empty: set it (or SAMEN_DATA_DIR) to a directory for the embedded store, or set SAMEN_REDIS_URL to use Redis"))
	}
	errs = append(errs, c.Store.validateRedis()...)
	if _, err := c.Log.level(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.Telegram.validate()...)
	errs = append(errs, c.Discord.validate()...)
	errs = append(errs, c.Web.validate()...)
	errs = append(errs, c.Ops.validate()...)
	errs = append(errs, c.Retention.validate()...)
	if c.Log.Format != "text" && c.Log.Format != "json" {
		errs = append(errs, fmt.Errorf("log.format is %q: use text or json", c.Log.Format))
	}
	return errors.Join(errs...)
}

func (l LogConfig) level() (slog.Level, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(l.Level)); err != nil {
		return 0, fmt.Errorf("log.level is %q: use debug, info, warn or error", l.Level)
	}
	return lv, nil
}

func (l LogConfig) logger(w io.Writer) *slog.Logger {
	lv, _ := l.level()
	opts := &slog.HandlerOptions{Level: lv}
	if l.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// fromEnv takes the Telegram secrets from the environment, and refuses them
// in the file: a config file is copied, committed and mailed around.
func (t *TelegramConfig) fromEnv(getenv func(string) string) error {
	if t.Token != "" {
		return errors.New("telegram.token is in the config file: remove it and set SAMEN_TELEGRAM_TOKEN in the environment instead, so the token stays out of files")
	}
	if t.WebhookSecret != "" {
		return errors.New("telegram.webhook_secret is in the config file: remove it and set SAMEN_TELEGRAM_WEBHOOK_SECRET in the environment instead")
	}
	t.Token = getenv("SAMEN_TELEGRAM_TOKEN")
	t.WebhookSecret = getenv("SAMEN_TELEGRAM_WEBHOOK_SECRET")
	if v := getenv("SAMEN_TELEGRAM_API_URL"); v != "" {
		t.APIURL = v
	}
	return nil
}

var webhookSecretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (t TelegramConfig) validate() []error {
	if !t.Enabled() {
		return nil
	}
	var errs []error
	if !strings.Contains(t.Token, ":") {
		errs = append(errs, errors.New("SAMEN_TELEGRAM_TOKEN does not look like a bot token (it reads like 123456789:AA…); copy it again from @BotFather"))
	}
	if t.APIURL != "" {
		if u, err := url.Parse(t.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("telegram.api_url %q is not a URL like https://api.telegram.org", t.APIURL))
		}
	}
	switch t.Mode {
	case "", "poll":
	case "webhook":
		if t.WebhookListen == "" {
			errs = append(errs, errors.New("telegram.mode is webhook but telegram.webhook_listen is empty: set the address to listen on, like \":8443\""))
		}
		if u, err := url.Parse(t.WebhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, errors.New("telegram.webhook_url must be the public https URL Telegram posts updates to (Telegram only posts to https)"))
		}
		if !webhookSecretPattern.MatchString(t.WebhookSecret) {
			errs = append(errs, errors.New("with telegram.mode = \"webhook\", set SAMEN_TELEGRAM_WEBHOOK_SECRET to 1–256 characters of A-Z, a-z, 0-9, _ and - (for example: openssl rand -hex 32)"))
		}
	default:
		errs = append(errs, fmt.Errorf("telegram.mode is %q: use poll (the default) or webhook", t.Mode))
	}
	if t.PollLease != "" {
		if d, err := time.ParseDuration(t.PollLease); err != nil || d < minPollLease {
			errs = append(errs, fmt.Errorf("telegram.poll_lease is %q: use a duration of at least %v, like \"30s\" (how soon another instance takes over polling when the poller dies), or leave it out", t.PollLease, minPollLease))
		}
	}
	return errs
}
