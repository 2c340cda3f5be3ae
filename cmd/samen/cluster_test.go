package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store/redistest"
)

// TestRunOnCluster runs the built binary (`samen run`) on a Redis Cluster
// of three masters, configured as an operator would (store.redis_mode =
// "cluster" in the file, the URL in SAMEN_REDIS_URL), through a consent
// round against the fake Bot API: every member's answer is recorded once,
// the tally reaches the group, and the process's keys are on one master.
func TestRunOnCluster(t *testing.T) {
	cluster := redistest.StartClusterN(t, 3)
	fake := &telegramtest.Server{Limits: telegramtest.Limits{Off: true}, WaitTimeout: time.Minute}
	apiURL := fake.Start(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "samen.toml")
	if err := os.WriteFile(config, []byte("[store]\nredis_mode = \"cluster\"\n[log]\nformat = \"json\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"SAMEN_DATA_DIR": dir, "SAMEN_REDIS_URL": cluster.URL(),
		"SAMEN_SECRET":         "cluster-run-secret-0123456789abcdef0123456789",
		"SAMEN_TELEGRAM_TOKEN": fake.Token, "SAMEN_TELEGRAM_API_URL": apiURL,
	}
	bin := buildBinary(t, dir)
	ctx := context.Background()
	app, err := openApp(ctx, configChoice{path: config}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer app.close()

	var log syncBuffer
	cmd := startBinary(t, bin, dir, env, &log) // reads samen.toml in dir
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited }) // before startBinary's
	waitFor(t, 20*time.Second, "the bot on the cluster", func() bool {
		return strings.Contains(log.String(), `"msg":"store: redis","mode":"cluster"`)
	}, log.String)

	fay := telegramtest.User{ID: 501, FirstName: "Fay", LanguageCode: "nl"}
	group := telegramtest.Chat{ID: -1001000000301, Type: "supergroup", Title: "Bewoners"}
	other := telegramtest.Chat{ID: -1001000000302, Type: "supergroup", Title: "Gemeente"}
	members := []telegramtest.User{
		{ID: 601, FirstName: "Ann", LanguageCode: "nl"},
		{ID: 602, FirstName: "Bas", LanguageCode: "nl"},
		{ID: 603, FirstName: "Cor", LanguageCode: "nl"},
	}
	prompt, base := openConsentRound(t, fake, fay, "Clusterproef", group, other, members)
	for _, u := range members {
		fake.PressButton(t, u, group.ID, prompt.MessageID, "Ik stem in")
	}
	fake.Wait(t, "three answers noted", func() bool { return len(fake.CallbackAnswers()) == base+len(members) })
	waitSaid(t, fake, group.ID, "3 ik stem in")

	processes, err := app.store.Processes(ctx)
	if err != nil || len(processes) != 1 {
		t.Fatalf("processes: %v %v", processes, err)
	}
	votes := map[string]int{}
	for _, e := range readLog(t, ctx, app, processes[0]) {
		if d, ok := e.Data.(*flows.VoteCast); ok {
			votes[string(d.User)]++
		}
	}
	for _, u := range members {
		if n := votes[fmt.Sprintf("tg:%d", u.ID)]; n != 1 {
			t.Errorf("%s's answer recorded %d times, want once (votes %v)", u.FirstName, n, votes)
		}
	}
	if nodes := nodesWithKeys(t, cluster.NewClient(t), "samen:{"+processes[0]+"}:*"); len(nodes) != 1 {
		t.Errorf("process %s has keys on %d masters, want one: %v", processes[0], len(nodes), nodes)
	}

	cmd.Process.Signal(os.Interrupt)
	<-exited
	if !cmd.ProcessState.Success() {
		t.Errorf("the bot stopped with %v:\n%s", cmd.ProcessState, log.String())
	}
	if t.Failed() {
		t.Logf("log:\n%s", log.String())
	}
}

// nodesWithKeys lists the masters holding keys that match pattern.
func nodesWithKeys(t *testing.T, cc *redis.ClusterClient, pattern string) []string {
	t.Helper()
	var nodes []string
	var mu sync.Mutex
	err := cc.ForEachMaster(context.Background(), func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
		if iter.Next(ctx) {
			mu.Lock()
			nodes = append(nodes, c.Options().Addr)
			mu.Unlock()
		}
		return iter.Err()
	})
	if err != nil {
		t.Fatalf("scan the masters: %v", err)
	}
	return nodes
}
