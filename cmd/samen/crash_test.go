package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/telegram"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store/redistest"
)

// The crash test (issue 8): the real binary, on a real redis-server and the
// fake Bot API, is killed with SIGKILL in the middle of a burst of 1,000
// consent answers from 300 people in 3 groups, and started again.
//
// An answer is a press of a consent button under a round's prompt in a
// group: "Ik stem in" (consent), "Ik stem in, met een zorg" (then the concern
// privately) or "Ik heb een overwegend bezwaar" (then its four questions
// privately). People press twice, change their answer, and object and
// withdraw.
//
// Acknowledged, on Telegram, means confirmed: Telegram forgets an update
// once the bot asks getUpdates for an offset above it, and redelivers every
// update it has not forgotten. A press Telegram saw acknowledged is one whose
// update_id is at most the fake's Confirmed() when the bot died. The bot may
// also have answered a press (answerCallbackQuery: the person saw
// "Genoteerd") before Telegram forgot it; those are counted separately.
//
// What must hold after the restart: every press and message is handled
// (the fake has nothing pending, every press was answered); the event log
// holds, per person, exactly the changes their presses make in update order
// (a second press of the same answer changes nothing; a press handled twice
// would show as an extra or out-of-order vote_cast); the tallies folded from
// the log and shown in each group's prompt equal the expected ones; and the
// outbox lost nothing (every objection notice reached the facilitator) and
// repeated nothing: the sender marks an entry sent only after Telegram
// accepted it, so only an entry still pending at the kill may go twice (a
// kill between Telegram's answer and the mark); none marked sent is sent
// again.
//
// The same runs on the embedded store (bbolt), with 100 people and 333
// presses: the binary holds the store file's lock, so the test opens the
// store only while no binary runs (before, between and after the runs), and
// knows the burst was handled when a last private /start, queued after it,
// was answered (updates are handled in update order).
func TestCrashDuringConsentBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test runs the binary through a burst of 1,000 answers")
	}
	if runtime.GOOS == "windows" {
		t.Skip("kills the binary with SIGKILL")
	}
	for _, c := range []crashCase{
		{store: "redis", people: 300, presses: 1000, killAfter: 400},
		{store: "embedded", people: 100, presses: 333, killAfter: 130},
	} {
		t.Run(c.store, func(t *testing.T) { crashDuringConsentBurst(t, c) })
	}
}

// crashCase is a store backend for the crash test, and the burst's size on
// it.
type crashCase struct {
	store     string // redis or embedded
	people    int
	presses   int // what the script makes of people: checked
	killAfter int // presses answered before the kill
}

func crashDuringConsentBurst(t *testing.T, c crashCase) {
	started := time.Now()
	fake := &telegramtest.Server{Limits: telegramtest.Limits{Off: true}, WaitTimeout: 3 * time.Minute}
	apiURL := fake.Start(t)
	dir := t.TempDir()
	env := map[string]string{
		"SAMEN_DATA_DIR":       dir,
		"SAMEN_SECRET":         "crash-test-secret-0123456789abcdef0123456789",
		"SAMEN_TELEGRAM_TOKEN": fake.Token, "SAMEN_TELEGRAM_API_URL": apiURL,
	}
	embedded := c.store == "embedded"
	if !embedded {
		env["SAMEN_REDIS_URL"] = redistest.Start(t).URL()
	}
	bin := filepath.Join(dir, "samen")
	if out, err := exec.Command(goTool(t), "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	built := time.Now()

	// --- The process, prepared through the same bot in this test process
	// without rate limits (joining 300 people at Telegram's 20 messages a
	// minute per group would take a quarter of an hour). ---
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// open opens the store in this process; on the embedded store only
	// while no binary holds it (shut closes it before one starts).
	open := func() *app {
		t.Helper()
		a, err := openApp(ctx, configChoice{path: filepath.Join(dir, "samen.toml")}, func(k string) string { return env[k] }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	app := open()
	defer func() { app.close() }()
	shut := func() {
		if embedded {
			app.close()
			app.close = func() {}
		}
	}
	fay := telegramtest.User{ID: 501, FirstName: "Fay", LanguageCode: "nl"}
	groups := []telegramtest.Chat{
		{ID: -1001000000101, Type: "supergroup", Title: "Bewoners"},
		{ID: -1001000000102, Type: "supergroup", Title: "Ondernemers"},
		{ID: -1001000000103, Type: "supergroup", Title: "Gemeente"},
	}
	people := c.people
	var members []telegramtest.User
	for i := range people {
		members = append(members, telegramtest.User{ID: int64(10000 + i), FirstName: fmt.Sprintf("Lid%03d", i), LanguageCode: "nl"})
	}
	groupOf := func(i int) int { return i * len(groups) / people }
	{
		seedCtx, stopSeed := context.WithCancel(ctx)
		tg, err := telegram.New(seedCtx, telegram.Config{Token: fake.Token, APIURL: apiURL, HTTPClient: fake.Client(), PollTimeout: 2 * time.Second,
			Limits: telegram.Limits{PerChat: -1, PerGroupMinute: -1, GlobalPerSecond: -1, EditEvery: -1}}, app.bot, app.store)
		if err != nil {
			t.Fatal(err)
		}
		sender := bot.NewSender(app.store, app.bot.Renderer(), map[string]bot.Transport{telegram.Platform: tg}, nil)
		app.wake.Store(sender)
		done := make(chan error, 2)
		go func() { done <- tg.Run(seedCtx) }()
		go func() { done <- sender.Run(seedCtx) }()

		fake.AddChat(telegramtest.Private(fay))
		fake.Message(fay, telegramtest.Private(fay), "/new Crashtest")
		code := waitSaid(t, fake, fay.ID, "De code is")
		m := regexp.MustCompile(`De code is ([A-Z0-9]{6})`).FindStringSubmatch(code.Plain)
		if m == nil {
			t.Fatalf("no code in %q", code.Plain)
		}
		for _, g := range groups {
			fake.AddChat(g)
			fake.Message(fay, g, "/link "+m[1]+" "+g.Title)
		}
		for i, u := range members {
			g := groups[groupOf(i)]
			rules := waitSaid(t, fake, g.ID, "Meedoen met "+g.Title)
			fake.AddChat(telegramtest.Private(u)) // they started the bot
			fake.PressButton(t, u, g.ID, rules.MessageID, "Ik stem in en doe mee")
		}
		fake.Wait(t, "300 people joined", func() bool { return len(fake.CallbackAnswers()) == people })
		fake.Message(fay, telegramtest.Private(fay), "/propose Het buurthuis blijft op zondag open, met vrijwilligers uit alle drie de groepen.")
		fake.Message(fay, telegramtest.Private(fay), "/consent 1")
		for _, g := range groups {
			waitSaid(t, fake, g.ID, "Instemming met voorstel 1")
		}
		waitSettled(t, ctx, fake, app)
		stopSeed()
		<-done
		<-done
	}
	seeded := time.Now()
	seededAnswers := len(fake.CallbackAnswers())
	seededSent := len(fake.Calls())
	processes, err := app.store.Processes(ctx)
	if err != nil || len(processes) != 1 {
		t.Fatalf("processes: %v %v", processes, err)
	}
	process := processes[0]
	seededVersion := len(readLog(t, ctx, app, process))

	// --- The burst, queued at once: 1,000 presses and the private texts
	// they call for, interleaved person by person. ---
	const (
		consent   = "Ik stem in"
		concern   = "Ik stem in, met een zorg"
		objection = "Ik heb een overwegend bezwaar"
	)
	type action struct {
		press string // a button label, or "" for a private text
		text  string
	}
	script := func(i int) []action {
		zorg := func(n int) action { return action{text: fmt.Sprintf("Zorg %d van %s", n, members[i].FirstName)} }
		form := func(n int) []action {
			var out []action
			for q := 1; q <= 4; q++ {
				out = append(out, action{text: fmt.Sprintf("Bezwaar %d van %s, antwoord %d", n, members[i].FirstName, q)})
			}
			return out
		}
		switch {
		case i%48 == 0: // objects, withdraws by consenting, objects again
			s := append([]action{{press: objection}}, form(1)...)
			s = append(s, action{press: consent}, action{press: objection})
			return append(s, form(2)...)
		case i%3 == 0: // presses consent three times
			return []action{{press: consent}, {press: consent}, {press: consent}}
		case i%3 == 1: // consent, a concern, consent again
			return []action{{press: consent}, {press: concern}, zorg(1), {press: consent}}
		default: // a concern, consent twice, another concern
			return []action{{press: concern}, zorg(1), {press: consent}, {press: consent}, {press: concern}, zorg(2)}
		}
	}
	prompts := map[int64]telegramtest.Sent{}
	for _, g := range groups {
		prompts[g.ID] = waitSaid(t, fake, g.ID, "Instemming met voorstel 1")
	}
	type press struct {
		update int64
		user   int
	}
	var presses []press
	scripts := make([][]action, people)
	for i := range people {
		scripts[i] = script(i)
	}
	for step := 0; ; step++ {
		anyLeft := false
		for i, s := range scripts {
			if step >= len(s) {
				continue
			}
			anyLeft = true
			u := members[i]
			if a := s[step]; a.press != "" {
				g := groups[groupOf(i)]
				presses = append(presses, press{update: fake.PressButton(t, u, g.ID, prompts[g.ID].MessageID, a.press), user: i})
			} else {
				fake.Message(u, telegramtest.Private(u), a.text)
			}
		}
		if !anyLeft {
			break
		}
	}
	if len(presses) != c.presses {
		t.Fatalf("the burst has %d presses, want %d", len(presses), c.presses)
	}
	queries := map[string]int64{} // callback query id → update id
	for _, raw := range fake.Pending() {
		var u struct {
			ID    int64 `json:"update_id"`
			Query *struct {
				ID string `json:"id"`
			} `json:"callback_query"`
		}
		if err := json.Unmarshal(raw, &u); err != nil {
			t.Fatal(err)
		}
		if u.Query != nil {
			queries[u.Query.ID] = u.ID
		}
	}
	burstUpdates := len(fake.Pending())
	// On the embedded store, the last update: when it is answered, every
	// update before it was handled.
	last := telegramtest.User{ID: 999, FirstName: "Laatste", LanguageCode: "nl"}
	if embedded {
		fake.AddChat(telegramtest.Private(last))
		fake.Message(last, telegramtest.Private(last), "/start")
	}

	// --- The binary works through the burst and is killed half-way. ---
	var log1, log2 syncBuffer
	shut()
	first := startBinary(t, bin, dir, env, &log1)
	killAfter := c.killAfter
	fake.Wait(t, fmt.Sprintf("%d presses answered", killAfter), func() bool { return len(fake.CallbackAnswers()) >= seededAnswers+killAfter })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	if embedded {
		app = open()
	}
	confirmedAtKill := fake.Confirmed()
	answeredAtKill := map[int64]bool{}
	for _, a := range fake.CallbackAnswers()[seededAnswers:] {
		answeredAtKill[queries[a.QueryID]] = true
	}
	pendingAtKill := pendingEntries(t, ctx, app, process)
	acknowledged, answered := 0, 0
	for _, p := range presses {
		if p.update <= confirmedAtKill {
			acknowledged++
		}
		if answeredAtKill[p.update] {
			answered++
		}
	}
	callsAtKill := len(fake.Calls())
	killed := time.Now()

	// --- Restarted, it finishes. ---
	shut()
	second := startBinary(t, bin, dir, env, &log2)
	settled := func() bool {
		inbox, err := app.store.SetMembers(ctx, "tg:inbox")
		if err != nil || len(inbox) > 0 {
			return false
		}
		out, err := app.store.OutboxProcesses(ctx, 10)
		return err == nil && len(out) == 0
	}
	allAnswered := func() bool {
		if len(fake.Pending()) > 0 {
			return false
		}
		seen := map[int64]bool{}
		for _, a := range fake.CallbackAnswers()[seededAnswers:] {
			seen[queries[a.QueryID]] = true
		}
		for _, p := range presses {
			if !seen[p.update] {
				return false
			}
		}
		return true
	}
	// Recovery first (every press answered: the callback answers are not
	// held back by the groups' send limits), then everything sent.
	fake.Wait(t, "every press answered", allAnswered)
	answeredAll := time.Now()
	fake.Wait(t, "every update handled and every message sent", func() bool {
		if !allAnswered() {
			return false
		}
		if embedded {
			// The store is the binary's: the last update answered means
			// every update was handled; what is queued is sent when it
			// stops (drain), and the store is looked at after.
			return len(fake.Chat(last.ID)) > 0
		}
		return settled()
	})
	finished := time.Now()
	second.Process.Signal(os.Interrupt)
	if err := second.Wait(); err != nil {
		t.Errorf("the restarted bot stopped with %v:\n%s", err, log2.String())
	}
	if embedded {
		app = open()
		if !settled() {
			inbox, err := app.store.SetMembers(ctx, "tg:inbox")
			out, err2 := app.store.OutboxProcesses(ctx, 10)
			t.Errorf("after the restarted bot stopped, the store holds updates %v (%v) or messages for %v (%v)", inbox, err, out, err2)
		}
		if n := len(fake.Chat(last.ID)); n != 1 {
			t.Errorf("the last /start was answered %d times, want once", n)
		}
	}

	// --- The record: per person exactly the changes their presses make. ---
	type vote struct{ choice, text string }
	want := make([][]vote, people)
	wantObjections := 0
	for i, s := range scripts {
		cur := vote{}
		var form []string
		pending := ""
		for _, a := range s {
			switch {
			case a.press == consent:
				pending = ""
				if cur.choice != flows.VoteConsent {
					cur = vote{choice: flows.VoteConsent}
					want[i] = append(want[i], cur)
				}
			case a.press == concern:
				pending = flows.VoteConcern
			case a.press == objection:
				pending, form = flows.VoteObjection, nil
			case pending == flows.VoteConcern:
				pending, cur = "", vote{choice: flows.VoteConcern, text: a.text}
				want[i] = append(want[i], cur)
			case pending == flows.VoteObjection:
				if form = append(form, a.text); len(form) == 4 {
					pending, cur = "", vote{choice: flows.VoteObjection}
					want[i] = append(want[i], cur)
					wantObjections++
				}
			}
		}
	}
	got := make([][]vote, people)
	byUser := map[flows.UserID]int{}
	for i, u := range members {
		byUser[flows.UserID(fmt.Sprintf("tg:%d", u.ID))] = i
	}
	objections := 0
	events := readLog(t, ctx, app, process)
	for _, e := range events[seededVersion:] {
		switch d := e.Data.(type) {
		case *flows.VoteCast:
			i, ok := byUser[d.User]
			if !ok {
				t.Errorf("a vote of %s, who is not a member", d.User)
				continue
			}
			got[i] = append(got[i], vote{choice: d.Vote.Choice, text: d.Vote.Concern})
		case *flows.ObjectionRaised:
			objections++
		}
	}
	recorded := 0
	for i := range people {
		recorded += len(got[i])
		if fmt.Sprint(got[i]) != fmt.Sprint(want[i]) {
			t.Errorf("%s: recorded %v, want %v", members[i].FirstName, got[i], want[i])
		}
	}
	if objections != wantObjections {
		t.Errorf("%d objections raised, want %d", objections, wantObjections)
	}

	// --- The tallies: folded from the log, and in each group's prompt. ---
	for gi, g := range groups {
		var consents, concerns, objs int
		for i := range people {
			if groupOf(i) != gi || len(want[i]) == 0 {
				continue
			}
			switch want[i][len(want[i])-1].choice {
			case flows.VoteConsent:
				consents++
			case flows.VoteConcern:
				concerns++
			case flows.VoteObjection:
				objs++
			}
		}
		n := consents + concerns + objs
		prompt := waitSaid(t, fake, g.ID, "Instemming met voorstel 1")
		line := fmt.Sprintf("%d van %d hebben gereageerd", n, n)
		for _, w := range []string{line, fmt.Sprintf("%d ik stem in", consents), fmt.Sprintf("%d met een zorg", concerns), fmt.Sprintf("%d overwegend bezwaar", objs)} {
			if !strings.Contains(prompt.Plain, w) {
				t.Errorf("%s's prompt lacks %q:\n%s", g.Title, w, prompt.Plain)
			}
		}
	}

	// --- The outbox: nothing lost, nothing marked sent sent again. ---
	notices := 0
	seen := map[string]int{}
	for _, m := range fake.Chat(fay.ID) {
		seen[m.Plain]++
		if strings.HasPrefix(m.Plain, "Overwegend bezwaar ") {
			notices++
		}
	}
	repeated := 0
	for text, n := range seen {
		if n > 1 {
			repeated += n - 1
			t.Logf("the facilitator received %d times: %.80q", n, text)
		}
	}
	if repeated > len(pendingAtKill) {
		t.Errorf("%d messages to the facilitator repeated; only the %d entries pending at the kill may be", repeated, len(pendingAtKill))
	}
	if notices != wantObjections {
		t.Errorf("the facilitator received %d objection notices, want %d", notices, wantObjections)
	}
	sentNew := 0
	for _, c := range fake.Calls()[seededSent:] {
		if c.Method == "sendMessage" && c.Status == 200 {
			sentNew++
		}
	}
	if embedded {
		burstUpdates-- // the last /start
	}
	t.Logf("crash test (%s store): %d presses (and %d private texts) from %d people in %d groups; at the kill %d acknowledged (confirmed to Telegram), %d answered; %d votes recorded, each once (%d objections); %d outbox entries pending at the kill, %d repeated; %d messages sent in the burst, %d Bot API calls before the kill; build %v, set-up %v, to the kill %v, restart to every press answered %v, to everything sent %v",
		c.store, len(presses), burstUpdates-len(presses), people, len(groups), acknowledged, answered, recorded, objections, len(pendingAtKill), repeated, sentNew, callsAtKill-seededSent,
		built.Sub(started).Round(time.Second), seeded.Sub(built).Round(time.Second), killed.Sub(seeded).Round(time.Second), answeredAll.Sub(killed).Round(time.Second), finished.Sub(killed).Round(time.Second))
	if acknowledged == 0 || acknowledged == len(presses) {
		t.Errorf("the kill came at %d of %d acknowledged presses: not in the middle of the burst", acknowledged, len(presses))
	}
	if t.Failed() {
		t.Logf("first run:\n%s\nsecond run:\n%s", log1.String(), log2.String())
	}
}

// waitSaid waits for the bot's last message in chat containing want.
func waitSaid(t *testing.T, fake *telegramtest.Server, chat int64, want string) telegramtest.Sent {
	t.Helper()
	var found telegramtest.Sent
	fake.Wait(t, fmt.Sprintf("%q in chat %d", want, chat), func() bool {
		msgs := fake.Chat(chat)
		for i := len(msgs) - 1; i >= 0; i-- {
			if strings.Contains(msgs[i].Plain, want) {
				found = msgs[i]
				return true
			}
		}
		return false
	})
	return found
}

// waitSettled waits until the bot has handled every update and sent its
// outboxes.
func waitSettled(t *testing.T, ctx context.Context, fake *telegramtest.Server, app *app) {
	t.Helper()
	fake.Wait(t, "the bot settled", func() bool {
		if len(fake.Pending()) > 0 {
			return false
		}
		inbox, err := app.store.SetMembers(ctx, "tg:inbox")
		if err != nil || len(inbox) > 0 {
			return false
		}
		out, err := app.store.OutboxProcesses(ctx, 10)
		return err == nil && len(out) == 0
	})
}

func readLog(t *testing.T, ctx context.Context, app *app, process string) []flows.Event {
	t.Helper()
	var out []flows.Event
	for {
		raws, err := app.store.ReadLog(ctx, process, int64(len(out))+1, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, raw := range raws {
			var e flows.Event
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatal(err)
			}
			out = append(out, e)
		}
		if len(raws) == 0 {
			return out
		}
	}
}

func pendingEntries(t *testing.T, ctx context.Context, app *app, process string) []flows.OutboxEntry {
	t.Helper()
	entries, err := app.store.PendingOutbox(ctx, process, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// startBinary runs `samen run` with env, its log into log.
func startBinary(t *testing.T, bin, dir string, env map[string]string, log io.Writer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "run")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd
}
