package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store/redistest"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in   string
		want parsedCommand
		ok   bool
	}{
		{"/status", parsedCommand{Name: "status"}, true},
		{"/Status@SamenBot", parsedCommand{Name: "status", To: "SamenBot"}, true},
		{"  /round concerns all  Wat heb je nodig? ", parsedCommand{Name: "round", Args: "concerns all  Wat heb je nodig?"}, true},
		{"/link\nABC123 Bewoners", parsedCommand{Name: "link", Args: "ABC123 Bewoners"}, true},
		{"/set@samenbot kaders Vast", parsedCommand{Name: "set", To: "samenbot", Args: "kaders Vast"}, true},
		{"gewoon tekst", parsedCommand{}, false},
		{"/", parsedCommand{}, false},
		{"/ spatie", parsedCommand{}, false},
		{"/😀", parsedCommand{}, false},
		{"//status", parsedCommand{}, false},
	}
	for _, tt := range tests {
		got, ok := parseCommand(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseCommand(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCommandsForOtherBotsAreIgnored(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	v := h.version()
	for _, text := range []string{"/status@otherbot", "/close@otherbot all", "/ban wim"} {
		if r := h.say("fay", chat("a"), text); r != nil {
			t.Errorf("%q in a group got a reply: %q", text, r.Text.Plain())
		}
	}
	if r := h.say("ann", chat("a"), "/status@SamenBot"); r == nil || !strings.Contains(r.Text.Plain(), "Groep A") {
		t.Errorf("/status@SamenBot (our name, other case) got %v", r)
	}
	r := h.say("ann", private("ann"), "/ban wim")
	if r == nil || !r.Private || !strings.Contains(r.Text.Plain(), "/ban ken ik niet") {
		t.Errorf("an unknown command in a private chat got %+v", r)
	}
	if got := h.version(); got != v {
		t.Errorf("version %d, want %d: ignored commands changed the log", got, v)
	}
}

// TestRejectionsKeepTheLogVersion: each refused action gets a kind private
// reply, and the log's version is the same before and after.
func TestRejectionsKeepTheLogVersion(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	voice := h.update("ann", chat("a"), "")
	voice.ReplyToBot, voice.Attachment = true, "voice"
	forged := h.update("ann", chat("a"), "")
	forged.Button = &flows.Intent{Do: "teleport", Process: h.code}
	tests := []struct {
		name string
		u    *Update
		want string
	}{
		{"voice note as an answer", voice, "Ik kan alleen tekst lezen"},
		{"a participant opens a round", h.update("ann", chat("a"), "/round intro all"), "alleen een gespreksleider"},
		{"a forged button", forged, "Deze knop werkt niet meer"},
		{"link to an unknown process", h.update("fay", chat("z"), "/link NOPE99 Z"), "Ik ken geen proces met code NOPE99"},
		{"relink a chat to another process", h.update("fay", chat("a"), "/link OTHER1 A"), "hoort al bij een ander"},
		{"claim without code", h.update("gus", private("gus"), "/claim"), "Stuur de code"},
		{"private text without a started answer", h.update("ann", private("ann"), "hallo"), "Ik verwacht nu geen antwoord"},
		{"bad language", h.update("ann", private("ann"), "/lang fr"), "/lang nl of /lang en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := h.version()
			r := h.handle(tt.u)
			if r == nil || !strings.Contains(r.Text.Plain(), tt.want) {
				t.Fatalf("got %v, want a reply containing %q", r, tt.want)
			}
			if got := h.version(); got != v {
				t.Errorf("version %d after the rejection, want %d", got, v)
			}
		})
	}
}

// TestRedeliveredUpdateCountsOnce: a platform that delivers the same update
// twice gets the same reply, and the answer is stored and counted once.
func TestRedeliveredUpdateCountsOnce(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	u := h.update("ann", chat("a"), "Mijn zorg")
	u.ReplyToBot = true
	first := h.handle(u)
	v := h.version()
	again := *u
	second := h.handle(&again)
	if first == nil || second == nil || first.Text.Plain() != second.Text.Plain() {
		t.Fatalf("replies differ: %v / %v", first, second)
	}
	if got := h.version(); got != v {
		t.Errorf("the redelivery wrote: version %d, want %d", got, v)
	}
	if st := h.status("a"); st.Answered != 1 {
		t.Errorf("answered %d, want 1", st.Answered)
	}

	// A redelivered /new finds the process it created.
	n := h.update("gus", private("gus"), "/new Tweede")
	h.handle(n)
	id1, _ := h.bot.CurrentProcess(context.Background(), "t:gus")
	dup := *n
	h.handle(&dup)
	ids, err := h.store.(interface {
		Processes(context.Context) ([]string, error)
	}).Processes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || id1 == "" {
		t.Errorf("processes %v after a redelivered /new; want the first and %s only", ids, id1)
	}
}

// conflictCounter counts the version conflicts the store reports.
type conflictCounter struct {
	Store
	conflicts atomic.Int64
}

func (c *conflictCounter) Append(ctx context.Context, commit flows.Commit) (flows.AppendResult, error) {
	res, err := c.Store.Append(ctx, commit)
	if errors.Is(err, flows.ErrVersionConflict) {
		c.conflicts.Add(1)
	}
	return res, err
}

// TestConcurrentAnswersThroughTwoInstances: two bot instances, each with its
// own Redis client, take 60 answers at once. Conflicts happen and are
// retried; every answer is counted exactly once.
func TestConcurrentAnswersThroughTwoInstances(t *testing.T) {
	srv := redistest.Start(t)
	one := &conflictCounter{Store: openRedis(t, srv)}
	two := &conflictCounter{Store: openRedis(t, srv)}
	h := newHarness(t, one)
	h.setup()
	members := 60
	for i := range members {
		user := "m" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		h.press(user, chat("b"), flows.Intent{Do: flows.DoJoin, Process: h.code, Group: "g2"})
	}
	bots := []*Bot{h.bot, h.instance(two)}
	v := h.version()
	var wg sync.WaitGroup
	start := make(chan struct{})
	var failures atomic.Int64
	for i := range members {
		u := h.update("m"+string(rune('a'+i/26))+string(rune('a'+i%26)), chat("b"), "antwoord")
		u.ReplyToBot = true
		wg.Go(func() {
			<-start
			r, err := bots[i%2].Handle(context.Background(), u)
			if err != nil || r == nil || !strings.Contains(r.Text.Plain(), "ontvangen") {
				failures.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d answers were not acknowledged", n)
	}
	if st := h.status("b"); st.Answered != members || st.Members != members+1 {
		t.Errorf("status %+v, want %d of %d answered", st, members, members+1)
	}
	if got := h.version(); got != v+int64(members) {
		t.Errorf("version %d, want %d: one event per answer", got, v+int64(members))
	}
	if one.conflicts.Load()+two.conflicts.Load() == 0 {
		t.Error("no version conflicts happened; the test did not exercise concurrency")
	}
}

// TestTimersFireOnceAcrossInstances: two instances notice the same due
// reminder; it is recorded and sent once.
func TestTimersFireOnceAcrossInstances(t *testing.T) {
	srv := redistest.Start(t)
	h := newHarness(t, openRedis(t, srv))
	h.setup()
	h.say("fay", private("fay"), "/set quiet_hours off")
	h.flush()
	other := h.instance(openRedis(t, srv))
	v := h.version()
	h.clock.Advance(24 * time.Hour)
	var wg sync.WaitGroup
	for _, b := range []*Bot{h.bot, other, h.bot, other} {
		wg.Go(func() {
			if _, err := b.RunDue(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := h.version(); got != v+1 {
		t.Errorf("version %d, want %d: the reminder must be recorded once", got, v+1)
	}
	reminders := 0
	for _, m := range h.flush() {
		if strings.Contains(m.Text.Plain(), "Herinnering") {
			reminders++
		}
	}
	if reminders != 2 {
		t.Errorf("%d reminder messages, want 2 (one per group chat)", reminders)
	}
}

func TestSenderCoalescesEditsAndLetsAWaitingChatWait(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	h.flush()
	for _, u := range []string{"ann", "bob"} {
		r := h.update(u, chat("a"), "ja")
		r.ReplyToBot = true
		h.handle(r)
	}
	h.say("cas", chat("b"), "/pass")
	h.out.fail = func(m OutMessage) error {
		if m.Chat == "t:b" {
			return &RetryLater{After: time.Second}
		}
		return nil
	}
	sent := h.flush()
	edits := 0
	for _, m := range sent {
		if m.Chat == "t:b" {
			t.Errorf("delivered to a chat that must wait: %q", m.Text.Plain())
		}
		if m.EditID != "" {
			edits++
			if !strings.Contains(m.Text.Plain(), "2 van 2 hebben geantwoord") {
				t.Errorf("the edit sent is not the latest: %q", m.Text.Plain())
			}
		}
	}
	if edits != 1 {
		t.Errorf("%d edits of group A's round message, want 1 (two pending edits coalesced)", edits)
	}
	h.out.fail = nil
	later := h.flush()
	if len(later) != 1 || later[0].Chat != "t:b" || !strings.Contains(later[0].Text.Plain(), "1 gepast") {
		t.Errorf("after waiting, delivered %v; want group B's progress edit", later)
	}
}

func TestRenderKeepsUserTextLiteral(t *testing.T) {
	r := NewRenderer(func(string) *time.Location { return time.UTC })
	msg := flows.Message{Lines: []flows.Line{flows.L(flows.MsgSummaryAnswer, "name", "*Wim*", "text", "_niet_ {cursief} </b>")}}
	text, _ := r.Message(&msg, "nl")
	if got, want := text.Plain(), "• *Wim*: _niet_ {cursief} </b>"; got != want {
		t.Errorf("plain %q, want %q", got, want)
	}
	for _, s := range text {
		if s.Style != 0 {
			t.Errorf("span %q got style %d from user text", s.Text, s.Style)
		}
	}
	header := flows.Message{Lines: []flows.Line{flows.L(flows.MsgRoundHeader, "n", 3, "kind", flows.Text{"nl": "Zorgen", "en": "Concerns"})}}
	text, _ = r.Message(&header, "en")
	if len(text) != 1 || text[0].Style != Bold || text[0].Text != "Round 3 · Concerns" {
		t.Errorf("header rendered as %+v", text)
	}
}

func TestTimesShowInTheProcessZone(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	at := time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC) // the night the clocks go forward
	if got, want := formatTime(at, ams, "nl"), "zo 29 mrt 03:30"; got != want {
		t.Errorf("nl: %q, want %q", got, want)
	}
	if got, want := formatTime(at, ams, "en"), "Sun 29 Mar 03:30"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
}

// TestIndexesRepairFromTheLog: an index entry lost after its commit (a crash
// between the two writes) is rebuilt from the state the log folds to, and
// nobody's current process is changed by it.
func TestIndexesRepairFromTheLog(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	ctx := context.Background()
	for _, key := range []string{chatKey("t:a"), chatKey("t:b")} {
		if err := h.store.DeleteIndex(ctx, key); err != nil {
			t.Fatal(err)
		}
	}
	if r := h.say("ann", chat("a"), "/status"); r == nil || !strings.Contains(r.Text.Plain(), "hoort (nog) niet bij") {
		t.Fatalf("with the index gone the chat should be unknown; got %v", r)
	}
	h.say("fay", private("fay"), "/new Tweede proces")
	second, _ := h.bot.CurrentProcess(ctx, "t:fay")
	n, err := h.bot.RepairIndexes(ctx)
	if err != nil || n != 2 {
		t.Fatalf("repaired %d processes: %v", n, err)
	}
	if st := h.status("a"); st.Process != h.code || st.Members != 2 {
		t.Errorf("after repair: %+v", st)
	}
	if cur, _ := h.bot.CurrentProcess(ctx, "t:fay"); cur != second || second == h.code {
		t.Errorf("repair moved fay's current process from %s to %s", second, cur)
	}
}
