package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
)

// TestSweepFinishesAnInterruptedErasure: the bot stopped between recording
// that Bob asked to be forgotten and rewriting the log. The process lists
// him as Erasing; a sweep finishes the job, and a second sweep has
// nothing left to do.
func TestSweepFinishesAnInterruptedErasure(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	h.say("bob", chat("a"), "Ik woon op de hoek.")
	ctx := context.Background()
	req := &Request{Update: h.update("bob", private("bob"), "")}
	name := func(n int) string { return "oud-deelnemer " + string(rune('0'+n)) }
	if _, err := h.bot.run(ctx, req, h.code, flows.Forget{Actor: flows.Actor{User: "t:bob"}, NameFor: name}); err != nil {
		t.Fatal(err)
	}
	p, err := h.bot.load(ctx, h.code)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Erasing) != 1 || !logNames(t, h, "t:bob") {
		t.Fatalf("before the sweep: erasing %v, the log names bob: %v; want the erasure pending", p.Erasing, logNames(t, h, "t:bob"))
	}
	if _, err := h.bot.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if logNames(t, h, "t:bob") {
		t.Error("after the sweep the log still names bob")
	}
	if p, _ = h.bot.load(ctx, h.code); len(p.Erasing) != 0 {
		t.Errorf("after the sweep: erasing %v", p.Erasing)
	}
	v := h.version()
	if _, err := h.bot.Sweep(ctx); err != nil || h.version() != v {
		t.Errorf("a second sweep changed the log (%d → %d, %v)", v, h.version(), err)
	}
}

// logNames reports whether any event of the harness's process names u.
func logNames(t *testing.T, h *harness, u flows.UserID) bool {
	t.Helper()
	_, events, err := h.bot.history(context.Background(), h.code)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if flows.Names(e, u) {
			return true
		}
	}
	return false
}

// TestRetention: with a rule of 60 days and 14 days' notice, nothing
// happens for 46 days; then the facilitator is told once (however often
// and by however many instances the sweep runs); a member's answer moves
// the date; at the date the process and every index entry leading to it
// are gone, and its chats are no longer linked.
func TestRetention(t *testing.T) {
	day := 24 * time.Hour
	rule := flows.Retention{After: 60 * day, Notice: 14 * day}
	st := openBolt(t)
	h := newHarness(t, st)
	newBot := func() *Bot {
		b, err := New(Config{Store: st, Secret: testSecret, Now: h.clock.Now, Retention: rule})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	h.bot = newBot()
	other := newBot()
	h.setup()
	h.flush()
	ctx := context.Background()
	sweep := func() {
		t.Helper()
		for _, b := range []*Bot{h.bot, other} {
			if _, err := b.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	notices := func() []string {
		var out []string
		for _, m := range h.flush() {
			if text := m.Text.Plain(); strings.Contains(text, "verwijdert het proces") {
				out = append(out, m.User+": "+text)
			}
		}
		return out
	}

	h.clock.Advance(46*day - time.Minute)
	sweep()
	if n := notices(); len(n) != 0 {
		t.Fatalf("told %d days early: %q", 14, n)
	}
	h.clock.Advance(time.Minute)
	sweep()
	sweep()
	n := notices()
	if len(n) != 1 || !strings.HasPrefix(n[0], "t:fay: ") || !strings.Contains(n[0], "/export") {
		t.Fatalf("notices at day 46: %q; want one, to the facilitator", n)
	}

	// Ann renames herself on day 50: the process is in use again.
	h.clock.Advance(4 * day)
	h.say("ann", chat("a"), "/name Annie")
	h.clock.Advance(10 * day) // day 60: would have been the date
	sweep()
	if _, err := h.store.Load(ctx, h.code); err != nil {
		t.Fatalf("deleted although in use on day 50: %v", err)
	}
	if n := notices(); len(n) != 0 {
		t.Fatalf("told again too early: %q", n)
	}
	h.clock.Advance(36 * day) // day 96 = day 50 + 60 - 14
	sweep()
	if n := notices(); len(n) != 1 {
		t.Fatalf("notices at day 96: %q; want one", n)
	}
	h.clock.Advance(14*day - time.Minute)
	sweep()
	if _, err := h.store.Load(ctx, h.code); err != nil {
		t.Fatalf("deleted before its date: %v", err)
	}
	h.clock.Advance(time.Minute)
	sweep()
	if _, err := h.store.Load(ctx, h.code); !errors.Is(err, flows.ErrNotFound) {
		t.Fatalf("load after the date: %v; want not found", err)
	}
	for _, key := range []string{chatKey("t:a"), chatKey("t:b"), currentKey("t:fay"), currentKey("t:ann")} {
		if v, err := st.Index(ctx, key); !errors.Is(err, flows.ErrNotFound) {
			t.Errorf("index %s = %q (%v) after the deletion", key, v, err)
		}
	}
	for _, u := range []flows.UserID{"t:fay", "t:ann", "t:bob", "t:cas"} {
		for _, key := range []string{userProcessesKey(u), loggedKey(u)} {
			if m, err := st.SetMembers(ctx, key); err != nil || len(m) != 0 {
				t.Errorf("set %s = %v (%v) after the deletion", key, m, err)
			}
		}
	}
	if r := h.say("ann", chat("a"), "/status"); !strings.Contains(r.Text.Plain(), "hoort (nog) niet bij een samenlevingsproces") {
		t.Errorf("/status in a chat of the deleted process: %q", r.Text.Plain())
	}
	if r := h.say("ann", private("ann"), "/mydata"); !strings.Contains(r.Text.Plain(), "Samen bewaart niets over je") {
		t.Errorf("/mydata after the deletion: %q", r.Text.Plain())
	}
}
