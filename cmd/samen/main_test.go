package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/discord/discordtest"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store"
)

// run runs Main with args and an environment, returning status and output.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, &stdout, &stderr, func(k string) string { return env[k] })
	return code, stdout.String(), stderr.String()
}

func TestCheckBuiltinTemplates(t *testing.T) {
	files, err := filepath.Glob("../../flows/templates/*.toml")
	if err != nil || len(files) < 2 {
		t.Fatalf("templates: %v %v", files, err)
	}
	code, out, errOut := run(t, nil, append([]string{"check"}, files...)...)
	if code != exitOK {
		t.Fatalf("samen check exited %d:\n%s", code, errOut)
	}
	if n := strings.Count(out, ": ok"); n != len(files) {
		t.Errorf("%d of %d templates reported ok:\n%s", n, len(files), out)
	}
}

func TestCheckReportsEveryProblemWithItsLine(t *testing.T) {
	code, _, errOut := run(t, nil, "check", "../../flows/testdata/broken.toml", "../../flows/testdata/syntax.toml")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d", code, exitFailed)
	}
	for _, want := range []string{
		"broken.toml:10: unknown key \"relais\"",
		"broken.toml:11: key \"deadline\" must be text",
		"broken.toml:13: kind \"concerns\" has no prompt",
		"syntax.toml:5: syntax error",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("missing %q in:\n%s", want, errOut)
		}
	}
	if lines := strings.Count(strings.TrimSpace(errOut), "\n") + 1; lines != 4 {
		t.Errorf("%d messages, want 4 (three for broken.toml, one for syntax.toml):\n%s", lines, errOut)
	}
}

// With the playground off and no chat platform there is nothing to run:
// samen run opens and checks the store, says what to do and exits 2.
func TestRunWithPlaygroundOffAndNoPlatformSaysSoAndExits2(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := run(t, map[string]string{"SAMEN_DATA_DIR": dir}, "run", "-config", filepath.Join(dir, "none.toml"))
	if code != exitUsage || !strings.Contains(errOut, "read config") {
		t.Fatalf("an explicit missing config file: exit %d, %s", code, errOut)
	}
	config := filepath.Join(dir, "samen.toml")
	if err := os.WriteFile(config, []byte("[web]\nplayground = \"off\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// `samen -config FILE` is `samen run -config FILE`, as the usage says.
	code, out, errOut := run(t, map[string]string{"SAMEN_DATA_DIR": dir}, "-config", config)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d:\n%s", code, exitUsage, errOut)
	}
	for _, want := range []string{"no chat platform is configured and the playground is off", `set [web] playground to "auto" or "on"`,
		"SAMEN_TELEGRAM_TOKEN", "SAMEN_DISCORD_TOKEN", "samen simulate"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("missing %q in:\n%s", want, errOut)
		}
	}
	if out != "" {
		t.Errorf("stdout: %q, want nothing (nothing listens)", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "samen.db")); err != nil {
		t.Errorf("the embedded store was not created in the data directory: %v", err)
	}
	if info, err := os.Stat(filepath.Join(dir, secretFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("generated secret: %v %v", info, err)
	}

	// On a public address the playground, which has no login, is not
	// served unless asked for.
	code, out, errOut = run(t, map[string]string{"SAMEN_DATA_DIR": dir, "SAMEN_PUBLIC_URL": "https://samen.example.org"}, "run")
	if code != exitUsage || out != "" {
		t.Fatalf("with a public URL and no platform: exit %d, stdout %q:\n%s", code, out, errOut)
	}
	for _, want := range []string{"served only on this\nmachine unless asked for", `public_url "https://samen.example.org"`, `playground = "on"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("missing %q in:\n%s", want, errOut)
		}
	}
}

func TestConfigMistakesSayHowToFixThem(t *testing.T) {
	tests := []struct {
		name   string
		config string
		env    map[string]string
		want   []string
	}{
		{"unknown key and wrong type", "[store]\ndata_dri = \"x\"\n[log]\nlevel = 3\n", nil,
			[]string{`:2: unknown key "data_dri"`, `did you mean "data_dir"`, `:4: key "level" must be text`}},
		{"bad level and format", "[log]\nlevel = \"loud\"\nformat = \"xml\"\n", nil,
			[]string{`log.level is "loud": use debug, info, warn or error`, `log.format is "xml": use text or json`}},
		{"password in the file", "[store]\nredis_url = \"redis://:hunter2@localhost:6379/0\"\n", nil,
			[]string{"contains a password", "SAMEN_REDIS_URL"}},
		{"redis without secret", "", map[string]string{"SAMEN_REDIS_URL": "redis://127.0.0.1:1/0"},
			[]string{"connect to Redis"}},
		{"short secret", "", map[string]string{"SAMEN_SECRET": "short"},
			[]string{"SAMEN_SECRET is 5 characters", "openssl rand -hex 32"}},
		{"bad redis scheme", "", map[string]string{"SAMEN_REDIS_URL": "http://localhost"},
			[]string{"must start with redis://"}},
		{"master password in the file", "[store]\nredis_mode = \"sentinel\"\nredis_url = \"redis://h:26379?master_name=m&password=hunter2\"\n", nil,
			[]string{"contains a password", "SAMEN_REDIS_URL"}},
		{"unknown redis mode", "[store]\nredis_mode = \"ring\"\n", map[string]string{"SAMEN_REDIS_URL": "redis://h:1"},
			[]string{`store.redis_mode (or SAMEN_REDIS_MODE) is "ring": use server`, "cluster", "sentinel"}},
		{"cluster without url", "[store]\nredis_mode = \"cluster\"\n", nil,
			[]string{"store.redis_mode is cluster but there is no Redis URL: set SAMEN_REDIS_URL"}},
		{"sentinel without master name", "", map[string]string{"SAMEN_REDIS_MODE": "sentinel", "SAMEN_REDIS_URL": "redis://:hunter2@h:26379"},
			[]string{"does not work as a sentinel URL", "master_name"}},
		{"cluster url read as one server", "", map[string]string{"SAMEN_REDIS_URL": "redis://:hunter2@h:1?addr=h:2"},
			[]string{"set the Redis mode to cluster"}},
		{"cluster on a unix socket", "", map[string]string{"SAMEN_REDIS_MODE": "cluster", "SAMEN_REDIS_URL": "unix://:hunter2@/run/redis.sock"},
			[]string{"reached over TCP"}},
		{"discord token in the file", "[discord]\ntoken = \"hunter2\"\n", nil,
			[]string{"discord.token is in the config file", "SAMEN_DISCORD_TOKEN"}},
		{"discord ids", "[discord]\napplication_id = \"mijn-app\"\nguild_ids = [\"Dorpsserver\"]\n", map[string]string{"SAMEN_DISCORD_TOKEN": "Bot abc"},
			[]string{`SAMEN_DISCORD_TOKEN starts with "Bot "`, `discord.application_id "mijn-app" is not an id`, `discord.guild_ids has "Dorpsserver"`, "Copy Server ID"}},
		{"retention", "[retention]\ndelete_after_days = -1\nnotice_days = 0\n", nil,
			[]string{"retention.delete_after_days is -1: use a number of days, like 730, or 0", "retention.notice_days is 0: use a number of days of at least 1"}},
		{"retention notice longer than the period", "[retention]\ndelete_after_days = 10\n", nil,
			[]string{"retention.notice_days (14) must be less than retention.delete_after_days (10)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "samen.toml")
			if err := os.WriteFile(path, []byte(tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"SAMEN_DATA_DIR": dir}
			for k, v := range tt.env {
				env[k] = v
			}
			code, _, errOut := run(t, env, "run", "-config", path)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("missing %q in:\n%s", w, errOut)
				}
			}
			if strings.Contains(errOut, "hunter2") {
				t.Errorf("the password leaked into the message:\n%s", errOut)
			}
		})
	}
}

func TestSimulate(t *testing.T) {
	code, out, errOut := run(t, nil, "simulate", "../../bot/simulate/testdata/opvang-dorpsstraat.txt")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	golden, err := os.ReadFile("../../bot/simulate/testdata/opvang-dorpsstraat.golden")
	if err != nil {
		t.Fatal(err)
	}
	if out != string(golden) {
		t.Errorf("samen simulate printed another transcript than the golden one")
	}

	dir := t.TempDir()
	failing := filepath.Join(dir, "wrong.txt")
	os.WriteFile(failing, []byte("person ilse \"Ilse\"\nilse: /help\nexpect ilse: Dit zegt de bot nooit\n"), 0o600)
	code, _, errOut = run(t, nil, "simulate", failing)
	if code != exitFailed || !strings.Contains(errOut, "wrong.txt:3: expected the bot to say") {
		t.Errorf("a failed expectation: exit %d, %s", code, errOut)
	}
	broken := filepath.Join(dir, "broken.txt")
	os.WriteFile(broken, []byte("person ilse \"Ilse\"\nilse shouts: hallo\n"), 0o600)
	code, _, errOut = run(t, nil, "simulate", broken)
	if code != exitUsage || !strings.Contains(errOut, "broken.txt:2:") {
		t.Errorf("a script mistake: exit %d, %s", code, errOut)
	}
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SAMEN_DATA_DIR": dir, "SAMEN_SECRET": "a-test-secret-that-is-long-enough-0123456789"}
	// A process made through the bot, as a facilitator would.
	st, err := store.OpenBolt(filepath.Join(dir, "samen.db"), store.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Store: st, Secret: []byte(env["SAMEN_SECRET"])})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := &bot.Update{Key: "t:1", Chat: flows.Chat{ID: "t:ilse", Private: true}, User: "t:ilse", Name: "Ilse", Text: "/new Export proef"}
	if _, err := b.Handle(ctx, u); err != nil {
		t.Fatal(err)
	}
	code, err := b.CurrentProcess(ctx, "t:ilse")
	if err != nil {
		t.Fatal(err)
	}

	// While a bot holds the embedded store, export says what to do.
	status, _, errOut := run(t, env, "export", code)
	if status != exitFailed || !strings.Contains(errOut, "/export") {
		t.Fatalf("export while the store is held: exit %d, %s", status, errOut)
	}
	st.Close()

	status, out, errOut := run(t, env, "export", strings.ToLower(code))
	if status != exitOK {
		t.Fatalf("exit %d: %s", status, errOut)
	}
	for _, want := range []string{"# Verslag: Export proef", "## Voorstellen", "## Ingrepen van de gespreksleiders"} {
		if !strings.Contains(out, want) {
			t.Errorf("the record lacks %q:\n%s", want, out)
		}
	}
	status, out, _ = run(t, env, "export", "-lang", "en", code)
	if status != exitOK || !strings.Contains(out, "# Record: Export proef") {
		t.Errorf("an English record: exit %d\n%s", status, out)
	}
	status, _, errOut = run(t, env, "export", "NOPE99")
	if status != exitFailed || !strings.Contains(errOut, "there is no process NOPE99") {
		t.Errorf("an unknown code: exit %d, %s", status, errOut)
	}
}

// samen run with a token connects to Telegram: it registers the command
// menus, answers a private /start, and stops cleanly when told to. The
// token never appears in what it prints.
func TestRunConnectsToTelegram(t *testing.T) {
	fake := &telegramtest.Server{}
	url := fake.Start(t)
	fay := telegramtest.User{ID: 501, FirstName: "Fay", LanguageCode: "nl"}
	fake.Message(fay, telegramtest.Private(fay), "/start")
	env := map[string]string{"SAMEN_DATA_DIR": t.TempDir(), "SAMEN_TELEGRAM_TOKEN": fake.Token, "SAMEN_TELEGRAM_API_URL": url}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"run"}, io.Discard, &stderr, func(k string) string { return env[k] })
	}()
	fake.Wait(t, "the bot answers /start", func() bool {
		for _, m := range fake.Chat(fay.ID) {
			if strings.Contains(m.Plain, "Hallo Fay") {
				return true
			}
		}
		return false
	})
	if len(fake.Commands(telegramtest.Scope{Type: "all_group_chats"}, "nl")) == 0 {
		t.Error("no command menu registered for groups")
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("samen run stopped with %d:\n%s", code, stderr.String())
	}
	if strings.Contains(stderr.String(), fake.Token) || strings.Contains(stderr.String(), strings.Split(fake.Token, ":")[1]) {
		t.Errorf("the token is in the output:\n%s", stderr.String())
	}
}

func TestRunConnectsToDiscord(t *testing.T) {
	fake := &discordtest.Server{}
	url := fake.Start(t)
	env := map[string]string{"SAMEN_DATA_DIR": t.TempDir(), "SAMEN_DISCORD_TOKEN": fake.Token, "SAMEN_DISCORD_API_URL": url}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"run"}, io.Discard, &stderr, func(k string) string { return env[k] })
	}()
	fake.WaitConnected(t)
	fay := fake.AddUser("Fay", "nl")
	fake.DM(fay, "/start")
	fake.Wait(t, "the bot answers /start", func() bool {
		for _, m := range fake.Messages(fake.DMChannel(fay)) {
			if strings.Contains(m.Content, "Hallo Fay") {
				return true
			}
		}
		return false
	})
	if len(fake.Commands("")) == 0 {
		t.Error("no slash commands registered")
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("samen run stopped with %d:\n%s", code, stderr.String())
	}
	if strings.Contains(stderr.String(), fake.Token) {
		t.Errorf("the token is in the output:\n%s", stderr.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
