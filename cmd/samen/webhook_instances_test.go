package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store/redistest"
)

// TestTwoBinariesWebhookConsentRound: two `samen run` processes in webhook
// mode on one redis-server. Telegram's updates for a whole consent round —
// two groups of three joining, a representative chosen in each (a rep
// window of 2 s, ended by the binaries' timers, which both run), a
// proposal, everyone's answer, the round closed, both representatives'
// /confirm and the adoption — are posted to the two alternately, and every
// fourth to both at once (Telegram retrying on another connection). No
// event is lost or recorded twice, every button press is answered once, and
// no chat gets the same message twice.
func TestTwoBinariesWebhookConsentRound(t *testing.T) {
	const hookSecret = "hook-secret-0123456789"
	rs := redistest.Start(t)
	fake := &telegramtest.Server{Limits: telegramtest.Limits{Off: true}, WaitTimeout: 30 * time.Second}
	apiURL := fake.Start(t)
	dir := t.TempDir()
	config := "[telegram]\nmode = \"webhook\"\nwebhook_listen = \"127.0.0.1:0\"\nwebhook_url = \"https://samen.example/hook\"\n[log]\nformat = \"json\"\n"
	if err := os.WriteFile(filepath.Join(dir, "samen.toml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := buildBinary(t, dir)
	env := map[string]string{
		"SAMEN_DATA_DIR": dir, "SAMEN_REDIS_URL": rs.URL(), "SAMEN_OPS_LISTEN": "off",
		"SAMEN_SECRET":         "two-webhooks-secret-0123456789abcdef0123456",
		"SAMEN_TELEGRAM_TOKEN": fake.Token, "SAMEN_TELEGRAM_API_URL": apiURL,
		"SAMEN_TELEGRAM_WEBHOOK_SECRET": hookSecret,
	}
	ctx := context.Background()
	a, err := openApp(ctx, configChoice{path: filepath.Join(dir, "samen.toml")}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()

	// The two binaries, and where each listens for the webhook.
	logs := []*syncBuffer{{}, {}}
	var hooks []string
	listening := regexp.MustCompile(`"msg":"webhook listening","listen":"([^"]+)"`)
	for i := range 2 {
		startBinary(t, bin, dir, env, logs[i])
		var addr []string
		waitFor(t, 30*time.Second, fmt.Sprintf("binary %d listening for the webhook", i+1), func() bool {
			addr = listening.FindStringSubmatch(logs[i].String())
			return addr != nil
		}, logs[i].String)
		hooks = append(hooks, "http://"+addr[1]+"/")
	}
	fake.Wait(t, "both binaries set the webhook", func() bool {
		n := 0
		for _, c := range fake.Calls() {
			if c.Method == "setWebhook" && c.Status == http.StatusOK {
				n++
			}
		}
		return n == 2
	})

	// deliver posts the pending updates as Telegram would, in order, the
	// n-th to binary n%2, every fourth to both at once; an update is
	// confirmed when every binary it went to answered 200.
	posted, twice := 0, 0
	post := func(hook string, body []byte) int {
		req, err := http.NewRequest(http.MethodPost, hook, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hookSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("post an update: %v", err)
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		targets := []string{hooks[posted%2]}
		if posted%4 == 3 {
			targets = hooks
			twice++
		}
		posted++
		codes := make([]int, len(targets))
		var wg sync.WaitGroup
		for i, h := range targets {
			wg.Go(func() { codes[i] = post(h, body) })
		}
		wg.Wait()
		for _, c := range codes {
			if c != http.StatusOK {
				w.WriteHeader(c)
				return
			}
		}
	})
	deliver := func() { fake.DeliverWebhook(t, handler) }
	said := func(chat int64, want string) telegramtest.Sent {
		t.Helper()
		deliver()
		return waitSaid(t, fake, chat, want)
	}

	// --- The process: a facilitator, two groups of three. ---
	fay := telegramtest.User{ID: 501, FirstName: "Fay", LanguageCode: "nl"}
	groups := []telegramtest.Chat{
		{ID: -1001000000201, Type: "supergroup", Title: "Bewoners"},
		{ID: -1001000000202, Type: "supergroup", Title: "Gemeente"},
	}
	var members [][]telegramtest.User
	for g := range groups {
		var ms []telegramtest.User
		for i := range 3 {
			ms = append(ms, telegramtest.User{ID: int64(20000 + 10*g + i), FirstName: fmt.Sprintf("Lid%d%d", g, i), LanguageCode: "nl"})
		}
		members = append(members, ms)
	}
	fake.AddChat(telegramtest.Private(fay))
	fake.Message(fay, telegramtest.Private(fay), "/new Webhooktest")
	code := regexp.MustCompile(`De code is ([A-Z0-9]{6})`).FindStringSubmatch(said(fay.ID, "De code is").Plain)
	if code == nil {
		t.Fatal("no process code")
	}
	fake.Message(fay, telegramtest.Private(fay), "/set rep_window 2s")
	said(fay.ID, "rep_window is nu")
	for g, c := range groups {
		fake.AddChat(c)
		fake.Message(fay, c, "/link "+code[1]+" "+c.Title)
		rules := said(c.ID, "Meedoen met "+c.Title)
		for _, u := range members[g] {
			fake.AddChat(telegramtest.Private(u))
			fake.PressButton(t, u, c.ID, rules.MessageID, "Ik stem in en doe mee")
		}
		for _, u := range members[g] {
			said(c.ID, u.FirstName+" doet mee in "+c.Title)
		}
	}

	// --- A representative in each group, installed by the timers. ---
	reps := []telegramtest.User{members[0][0], members[1][0]}
	for g, c := range groups {
		fake.Message(fay, c, "/rep "+reps[g].FirstName)
		ask := said(reps[g].ID, "Neem je het aan?")
		fake.PressButton(t, reps[g], reps[g].ID, ask.MessageID, "Ik neem het aan")
	}
	for g, c := range groups {
		said(c.ID, reps[g].FirstName+" is nu vertegenwoordiger van "+c.Title)
	}

	// --- The proposal and the round: everyone answers, one with a concern. ---
	fake.Message(fay, telegramtest.Private(fay), "/propose De moestuin krijgt een regenton bij elke bak.")
	fake.Message(fay, telegramtest.Private(fay), "/consent 1")
	for g, c := range groups {
		prompt := said(c.ID, "Instemming met voorstel 1")
		for i, u := range members[g] {
			if g == 1 && i == 2 {
				fake.PressButton(t, u, c.ID, prompt.MessageID, "Ik stem in, met een zorg")
				said(u.ID, "Wat is je zorg?")
				fake.Message(u, telegramtest.Private(u), "Wie leegt de tonnen in de winter?")
				continue
			}
			fake.PressButton(t, u, c.ID, prompt.MessageID, "Ik stem in")
		}
	}
	// Each vote confirmed once: a consent press by its answer (over the
	// chat), the concern by a private message.
	fake.Wait(t, "every vote confirmed", func() bool {
		confirmed := 0
		for _, a := range fake.CallbackAnswers() {
			if strings.HasPrefix(a.Text, "Genoteerd") {
				confirmed++
			}
		}
		return confirmed == len(members)*len(members[0])-1
	})
	said(members[1][2].ID, "Genoteerd")
	fake.Message(fay, telegramtest.Private(fay), "/close 1")
	for g, c := range groups {
		said(c.ID, "Uitkomst: ingestemd.")
		said(reps[g].ID, "Als vertegenwoordiger kun je dat nu bevestigen.")
	}

	// --- Both representatives confirm: adopted. ---
	for _, r := range reps {
		fake.Message(r, telegramtest.Private(r), "/confirm 1")
	}
	for _, c := range groups {
		said(c.ID, "Voorstel 1 (versie 1) is aangenomen.")
	}
	deliver()
	waitFor(t, 30*time.Second, "the shared inbox and the outbox empty", func() bool {
		inbox, err := a.store.SetMembers(ctx, "tg:inbox")
		if err != nil || len(inbox) > 0 {
			return false
		}
		out, err := a.store.OutboxProcesses(ctx, 10)
		return err == nil && len(out) == 0
	}, func() string { return "" })

	// --- The record: each event once. ---
	processes, err := a.store.Processes(ctx)
	if err != nil || len(processes) != 1 {
		t.Fatalf("processes: %v %v", processes, err)
	}
	events := readLog(t, ctx, a, processes[0])
	count := map[string]int{}
	votes := map[flows.UserID]int{}
	for _, e := range events {
		count[e.Data.EventType()]++
		if v, ok := e.Data.(*flows.VoteCast); ok {
			votes[v.User]++
		}
	}
	for typ, want := range map[string]int{
		"process_created": 1, "group_linked": 2, "member_joined": 6, "rep_nominated": 2, "rep_installed": 2,
		"proposal_created": 1, "vote_cast": 6, "consent_confirmed": 2, "proposal_adopted": 1,
	} {
		if count[typ] != want {
			t.Errorf("%d %s events, want %d", count[typ], typ, want)
		}
	}
	for _, ms := range members {
		for _, u := range ms {
			if n := votes[flows.UserID(fmt.Sprintf("tg:%d", u.ID))]; n != 1 {
				t.Errorf("%s's answer recorded %d times, want once", u.FirstName, n)
			}
		}
	}

	// --- The replies: every press answered once, no message twice. ---
	answers := map[string]int{}
	for _, ans := range fake.CallbackAnswers() {
		answers[ans.QueryID]++
	}
	for id, n := range answers {
		if n != 1 {
			t.Errorf("button press %s answered %d times", id, n)
		}
	}
	chats := []int64{fay.ID}
	for g, c := range groups {
		chats = append(chats, c.ID)
		for _, u := range members[g] {
			chats = append(chats, u.ID)
		}
	}
	sent := 0
	for _, chat := range chats {
		seen := map[string]bool{}
		for _, m := range fake.Chat(chat) {
			sent++
			if seen[m.Plain] {
				t.Errorf("chat %d got twice: %.100q", chat, m.Plain)
			}
			seen[m.Plain] = true
		}
	}
	for _, c := range fake.FailedCalls() {
		t.Errorf("a failed Bot API call: %s → %d", c.Method, c.Status)
	}
	t.Logf("two webhooks: %d updates posted (%d to both binaries at once), %d events recorded, %d button presses answered once each, %d messages in %d chats",
		posted, twice, len(events), len(answers), sent, len(chats))
	if t.Failed() {
		t.Logf("first:\n%s\nsecond:\n%s", logs[0].String(), logs[1].String())
	}
}
