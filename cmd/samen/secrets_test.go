package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot/discord/discordtest"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/store/redistest"
)

// TestSecretsNeverLogged: a full run at debug level, on both platforms and
// a Redis with a password, with a dashboard link issued: neither stdout nor
// the logs hold a token, the server secret, the Redis password, the
// webhook secret or the link's token.
func TestSecretsNeverLogged(t *testing.T) {
	const redisPassword = "redis-pw-9f8e7d6c5b4a"
	const webhookSecret = "webhook-secret-0a1b2c3d4e5f"
	serverSecret := "server-secret-" + strings.Repeat("x7", 20)
	redis := redistest.StartWith(t, "--requirepass", redisPassword)
	tg := &telegramtest.Server{}
	tgURL := tg.Start(t)
	dc := &discordtest.Server{}
	dcURL := dc.Start(t)
	env := map[string]string{
		"SAMEN_TELEGRAM_TOKEN": tg.Token, "SAMEN_TELEGRAM_API_URL": tgURL,
		"SAMEN_DISCORD_TOKEN": dc.Token, "SAMEN_DISCORD_API_URL": dcURL,
		"SAMEN_REDIS_URL":               "unix://:" + redisPassword + "@" + redis.Socket(),
		"SAMEN_SECRET":                  serverSecret,
		"SAMEN_TELEGRAM_WEBHOOK_SECRET": webhookSecret,
		"SAMEN_LISTEN":                  "127.0.0.1:0",
		"SAMEN_PUBLIC_URL":              "https://samen.example",
	}
	config := filepath.Join(t.TempDir(), "samen.toml")
	if err := os.WriteFile(config, []byte("[log]\nformat = \"json\"\nlevel = \"debug\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"run", "-config", config}, &stdout, &stderr, func(k string) string { return env[k] })
	}()

	fay := telegramtest.User{ID: 501, FirstName: "Fay", LanguageCode: "nl"}
	tg.Message(fay, telegramtest.Private(fay), "/start")
	tg.Message(fay, telegramtest.Private(fay), "/new Zonnepark De Hoeve")
	tg.Message(fay, telegramtest.Private(fay), "/dashboard")
	link := regexp.MustCompile(`/dashboard\?t=([A-Za-z0-9_.~%-]+)`)
	var token string
	tg.Wait(t, "a dashboard link", func() bool {
		for _, m := range tg.Chat(fay.ID) {
			if s := link.FindStringSubmatch(m.Plain + " " + m.Text); s != nil {
				token = s[1]
				return true
			}
		}
		return false
	})
	dc.WaitConnected(t)
	ann := dc.AddUser("Ann", "nl")
	dc.DM(ann, "/start")
	dc.Wait(t, "the bot answers /start on Discord", func() bool {
		for _, m := range dc.Messages(dc.DMChannel(ann)) {
			if strings.Contains(m.Content, "Hallo Ann") {
				return true
			}
		}
		return false
	})
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("samen run stopped with %d:\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("samen run did not stop")
	}
	out := stdout.String() + stderr.String()
	// (Nothing logs at debug level today; the level is set so that what
	// is added later is checked too.)
	if !strings.Contains(out, `"level":"INFO"`) {
		t.Fatalf("no log lines in the output:\n%s", out)
	}
	for name, secret := range map[string]string{
		"the Telegram token": tg.Token, "the Telegram token's secret part": strings.Split(tg.Token, ":")[1],
		"the Discord token": dc.Token, "SAMEN_SECRET": serverSecret, "the Redis password": redisPassword,
		"the webhook secret": webhookSecret, "the dashboard link's token": token,
	} {
		if secret == "" {
			t.Errorf("%s is empty", name)
			continue
		}
		if strings.Contains(out, secret) {
			t.Errorf("%s is in the output", name)
		}
	}
}
