package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store/redistest"
)

// redisOutage is how long Redis stays away in TestRedisFaultsUnderRun
// (issue 8: "Redis unreachable for 30 s").
const redisOutage = 30 * time.Second

// The Redis faults of issue 8 under the built binary (`samen run` against
// the fake Bot API, on a real redis-server with appendfsync always), in the
// middle of a consent round:
//
//   - redis-server is killed (SIGKILL) and started again: the bot reconnects
//     by itself, the answer given before the crash is still recorded, and an
//     answer given after it is recorded;
//   - redis-server is away for redisOutage: the bot process stays up,
//     /healthz stays 200, /readyz is 503 meanwhile and 200 after; a press
//     arriving during the outage is not confirmed to Telegram (it cannot be
//     stored), so Telegram keeps it and the bot handles it, exactly once,
//     when Redis is back.
func TestRedisFaultsUnderRun(t *testing.T) {
	if testing.Short() {
		t.Skip("Redis is away for 30 s")
	}
	if runtime.GOOS == "windows" {
		t.Skip("kills redis-server with SIGKILL")
	}
	rs := redistest.StartWith(t, "--appendonly", "yes", "--appendfsync", "always")
	fake := &telegramtest.Server{Limits: telegramtest.Limits{Off: true}, WaitTimeout: time.Minute}
	apiURL := fake.Start(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "samen.toml")
	if err := os.WriteFile(config, []byte("[log]\nformat = \"json\"\n[ops]\nlisten = \"127.0.0.1:0\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"SAMEN_DATA_DIR": dir, "SAMEN_REDIS_URL": rs.URL(),
		"SAMEN_SECRET":         "redis-fault-secret-0123456789abcdef012345678",
		"SAMEN_TELEGRAM_TOKEN": fake.Token, "SAMEN_TELEGRAM_API_URL": apiURL,
	}
	bin := filepath.Join(dir, "samen")
	if out, err := exec.Command(goTool(t), "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx := context.Background()
	app, err := openApp(ctx, configChoice{path: config}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer app.close()

	var log syncBuffer
	cmd := startBinary(t, bin, dir, env, &log)
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited }) // before startBinary's
	alive := func(when string) {
		t.Helper()
		select {
		case <-exited:
			t.Fatalf("the bot exited %s (%v):\n%s", when, cmd.ProcessState, log.String())
		default:
		}
	}
	var ops string
	waitFor(t, 20*time.Second, "the ops listener", func() bool {
		m := regexp.MustCompile(`"msg":"ops listening","listen":"([^"]+)"`).FindStringSubmatch(log.String())
		if m != nil {
			ops = "http://" + m[1]
		}
		return m != nil
	}, log.String)
	readyz := func() int { code, _ := get(t, ops+"/readyz"); return code }
	waitFor(t, 20*time.Second, "ready", func() bool { return readyz() == http.StatusOK }, log.String)

	// --- A process with one group of three, a consent round open. ---
	fay := telegramtest.User{ID: 501, FirstName: "Fay", LanguageCode: "nl"}
	group := telegramtest.Chat{ID: -1001000000201, Type: "supergroup", Title: "Bewoners"}
	members := []telegramtest.User{
		{ID: 601, FirstName: "Ann", LanguageCode: "nl"},
		{ID: 602, FirstName: "Bas", LanguageCode: "nl"},
		{ID: 603, FirstName: "Cor", LanguageCode: "nl"},
	}
	// A process has at least two groups; Dirk, alone in the second, only
	// joins.
	other := telegramtest.Chat{ID: -1001000000202, Type: "supergroup", Title: "Gemeente"}
	prompt, base := openConsentRound(t, fake, fay, "Redisstoring", group, other, members)
	processes, err := app.store.Processes(ctx)
	if err != nil || len(processes) != 1 {
		t.Fatalf("processes: %v %v", processes, err)
	}
	votes := func() map[int64]int {
		out := map[int64]int{}
		for _, e := range readLog(t, ctx, app, processes[0]) {
			if d, ok := e.Data.(*flows.VoteCast); ok {
				var id int64
				fmt.Sscanf(string(d.User), "tg:%d", &id)
				out[id]++
			}
		}
		return out
	}
	press := func(u telegramtest.User) int64 {
		return fake.PressButton(t, u, group.ID, prompt.MessageID, "Ik stem in")
	}
	answered := func(n int) func() bool { return func() bool { return len(fake.CallbackAnswers()) >= n } }

	// --- Redis crashes mid-round and comes back. ---
	press(members[0])
	fake.Wait(t, "Ann's answer noted", answered(base+1))
	rs.Kill()
	rs.Restart()
	press(members[1])
	fake.Wait(t, "Bas's answer noted after Redis restarted", answered(base+2))
	alive("after Redis restarted")
	if v := votes(); v[members[0].ID] != 1 || v[members[1].ID] != 1 {
		t.Errorf("after the Redis crash, votes %v: want Ann's (before) and Bas's (after) once each", v)
	}

	// --- Redis away for redisOutage. ---
	rs.Stop()
	down := time.Now()
	waitFor(t, 20*time.Second, "not ready without Redis", func() bool { return readyz() == http.StatusServiceUnavailable }, log.String)
	during := press(members[2])
	// The outage itself is the test's parameter, not a wait for a condition.
	outage := time.NewTimer(time.Until(down.Add(redisOutage)))
	check := time.NewTicker(time.Second)
	defer check.Stop()
	for waiting := true; waiting; {
		select {
		case <-outage.C:
			waiting = false
		case <-check.C:
			alive("during the Redis outage")
			if c := readyz(); c != http.StatusServiceUnavailable {
				t.Errorf("/readyz during the outage: %d, want 503", c)
			}
			if c, _ := get(t, ops+"/healthz"); c != http.StatusOK {
				t.Errorf("/healthz during the outage: %d, want 200", c)
			}
			if fake.Confirmed() >= during {
				t.Fatalf("the press during the outage was confirmed to Telegram, but could not be stored")
			}
		}
	}
	if n := len(fake.CallbackAnswers()); n != base+2 {
		t.Errorf("%d presses answered during the outage, want none", n-base-2)
	}
	rs.Restart()
	back := time.Now()
	waitFor(t, time.Minute, "ready again", func() bool { return readyz() == http.StatusOK }, log.String)
	ready := time.Since(back)
	fake.Wait(t, "Cor's press from the outage handled", answered(base+3))
	handled := time.Since(back)
	alive("after the outage")
	// The prompt's tally, edited after the outage (the bot's own per-group
	// rate limit may hold the edit back a while).
	waitSaid(t, fake, group.ID, "3 ik stem in")
	if v := votes(); v[members[2].ID] != 1 || v[members[0].ID] != 1 || v[members[1].ID] != 1 {
		t.Errorf("after the outage, votes %v: want each of the three once", v)
	}
	t.Logf("Redis away %v: ready again %v and the press from the outage handled %v after Redis came back",
		redisOutage, ready.Round(100*time.Millisecond), handled.Round(100*time.Millisecond))
	cmd.Process.Signal(os.Interrupt)
	<-exited
	if !cmd.ProcessState.Success() {
		t.Errorf("the bot stopped with %v:\n%s", cmd.ProcessState, log.String())
	}
	if t.Failed() {
		t.Logf("log:\n%s", log.String())
	}
}
