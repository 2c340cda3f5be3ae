package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/store/redistest"
)

// startSamen runs `samen run` with a config file that logs JSON and puts
// the ops listener on a free port, and returns the ops address and the
// log. The run stops at the test's end.
func startSamen(t *testing.T, env map[string]string) (string, *syncBuffer, func() int) {
	t.Helper()
	config := filepath.Join(t.TempDir(), "samen.toml")
	if err := os.WriteFile(config, []byte("[log]\nformat = \"json\"\n[ops]\nlisten = \"127.0.0.1:0\"\ndrain_timeout = \"5s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"run", "-config", config}, io.Discard, stderr, func(k string) string { return env[k] })
	}()
	stopped := false
	stop := func() int {
		if stopped {
			return exitOK
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(30 * time.Second):
			t.Fatalf("samen run did not stop:\n%s", stderr.String())
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	var addr string
	waitFor(t, 20*time.Second, "the ops listener", func() bool {
		for _, line := range strings.Split(stderr.String(), "\n") {
			var rec struct {
				Msg    string `json:"msg"`
				Listen string `json:"listen"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "ops listening" {
				addr = rec.Listen
				return true
			}
		}
		return false
	}, stderr.String)
	return "http://" + addr, stderr, stop
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// Redis goes away: the bot stays up (/healthz 200), /readyz says 503 and
// why, and when Redis is back the bot is ready again by itself, without a
// restart.
func TestReadyzFollowsRedis(t *testing.T) {
	redis := redistest.Start(t)
	env := map[string]string{
		"SAMEN_REDIS_URL": redis.URL(), "SAMEN_SECRET": strings.Repeat("s", 40),
		"SAMEN_LISTEN": "127.0.0.1:0",
	}
	ops, stderr, stop := startSamen(t, env)
	waitFor(t, 20*time.Second, "ready", func() bool { code, _ := get(t, ops+"/readyz"); return code == http.StatusOK }, stderr.String)

	redis.Stop()
	var body string
	waitFor(t, 20*time.Second, "not ready without Redis", func() bool {
		var code int
		code, body = get(t, ops+"/readyz")
		return code == http.StatusServiceUnavailable
	}, stderr.String)
	if !strings.Contains(body, "the store does not answer") {
		t.Errorf("readyz without Redis says %q", body)
	}
	if code, _ := get(t, ops+"/healthz"); code != http.StatusOK {
		t.Errorf("healthz without Redis: %d, want 200 (the process is alive)", code)
	}

	redis.Restart()
	waitFor(t, 20*time.Second, "ready again with Redis back", func() bool { code, _ := get(t, ops+"/readyz"); return code == http.StatusOK }, stderr.String)
	if code := stop(); code != exitOK {
		t.Errorf("samen run stopped with %d:\n%s", code, stderr.String())
	}
}

// samen run against the fake Telegram: /metrics counts the updates it
// handled and the messages it sent, the logs are JSON lines, and neither
// holds the token.
func TestOpsEndpointsWithTelegram(t *testing.T) {
	fake := &telegramtest.Server{}
	url := fake.Start(t)
	fay := telegramtest.User{ID: 501, FirstName: "Fay", LanguageCode: "nl"}
	env := map[string]string{"SAMEN_DATA_DIR": t.TempDir(), "SAMEN_TELEGRAM_TOKEN": fake.Token, "SAMEN_TELEGRAM_API_URL": url}
	ops, stderr, stop := startSamen(t, env)
	waitFor(t, 20*time.Second, "ready", func() bool { code, _ := get(t, ops+"/readyz"); return code == http.StatusOK }, stderr.String)

	fake.Message(fay, telegramtest.Private(fay), "/start")
	fake.Message(fay, telegramtest.Private(fay), "/new Zonnepark De Hoeve")
	fake.Message(fay, telegramtest.Private(fay), "hallo")
	var metrics string
	waitFor(t, 20*time.Second, "three updates counted", func() bool {
		_, metrics = get(t, ops+"/metrics")
		return strings.Contains(metrics, `samen_updates_total{kind="command",platform="tg"} 2`) &&
			strings.Contains(metrics, `samen_updates_total{kind="text",platform="tg"} 1`)
	}, func() string { return metrics })
	for _, want := range []string{
		`samen_update_handling_seconds_count{platform="tg"} 3`,
		`samen_store_seconds_count{op="append"}`,
		`samen_outbox_pending `,
		`samen_active_processes 0`,
		"go_goroutines",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if code := stop(); code != exitOK {
		t.Errorf("samen run stopped with %d:\n%s", code, stderr.String())
	}
	logs := stderr.String()
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("a log line is not JSON: %s", line)
		}
	}
	for _, secret := range []string{fake.Token, strings.Split(fake.Token, ":")[1]} {
		if strings.Contains(logs, secret) || strings.Contains(metrics, secret) {
			t.Errorf("the token is in the logs or metrics")
		}
	}
	if strings.Contains(logs, "tg:501") {
		t.Errorf("a user id is in the logs:\n%s", logs)
	}
}

func TestOpsConfigMistakesSayHowToFixThem(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "samen.toml")
	if err := os.WriteFile(config, []byte("[ops]\nlisten = \"9090\"\ndrain_timeout = \"ten seconds\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, map[string]string{"SAMEN_DATA_DIR": dir}, "run", "-config", config)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d:\n%s", code, exitUsage, errOut)
	}
	for _, want := range []string{`ops.listen (or SAMEN_OPS_LISTEN) is "9090": use host:port, like 127.0.0.1:9090, or "off"`, `ops.drain_timeout is "ten seconds": use a duration like "10s"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("missing %q in:\n%s", want, errOut)
		}
	}
}
