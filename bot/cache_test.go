package bot

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store/redistest"
)

// TestCachedStatesFollowOtherInstances: two instances on one Redis, each
// with its state cache. What one commits, the other's next command sees;
// after a person is forgotten through one, the other's next snapshot does
// not name them; a process deleted through one is gone for the other.
func TestCachedStatesFollowOtherInstances(t *testing.T) {
	srv := redistest.Start(t)
	st := openRedis(t, srv)
	h := newHarness(t, st)
	h.setup()
	other := h.instance(openRedis(t, srv))
	ctx := context.Background()
	// Both have the process cached now: a command on each.
	h.say("ann", chat("a"), "/name Annie")
	if _, err := other.Handle(ctx, h.update("bob", chat("a"), "/name Bobby")); err != nil {
		t.Fatal(err)
	}

	// Cas renames herself through the other instance; this one's next
	// command must know it.
	if _, err := other.Handle(ctx, h.update("cas", chat("b"), "/name Cassandra")); err != nil {
		t.Fatal(err)
	}
	if r := h.say("cas", chat("b"), "/name Cassandra"); !strings.Contains(r.Text.Plain(), "Cassandra") {
		t.Fatalf("rename again: %q", r.Text.Plain())
	}
	p, err := h.bot.latest(ctx, h.code)
	if err != nil {
		t.Fatal(err)
	}
	if p.Members["t:cas"].Name != "Cassandra" {
		t.Errorf("this instance's state has Cas as %q after the other renamed her", p.Members["t:cas"].Name)
	}
	h.bot.cache.give(p)

	// Bob is forgotten through the other instance; this one then writes
	// enough to snapshot: its snapshot must not name him.
	u := h.update("bob", private("bob"), "")
	u.Button = &flows.Intent{Do: flows.DoForget}
	if _, err := other.Handle(ctx, u); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		name := "Annie" + string(rune('a'+i%26))
		if r := h.say("ann", chat("a"), "/name "+name); !strings.Contains(r.Text.Plain(), name) {
			t.Fatalf("rename %d after the erasure: %q", i, r.Text.Plain())
		}
	}
	hist, err := st.Load(ctx, h.code)
	if err != nil {
		t.Fatal(err)
	}
	if hist.Snapshot == nil || bytes.Contains(hist.Snapshot, []byte("t:bob")) || bytes.Contains(hist.Snapshot, []byte("Bobby")) {
		t.Errorf("the snapshot written after the erasure names Bob (or is missing): %.300s", hist.Snapshot)
	}

	// Deleted through the other instance: gone here too.
	q, err := other.load(ctx, h.code)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.purge(ctx, q); err != nil {
		t.Fatal(err)
	}
	r := h.press("ann", chat("a"), flows.Intent{Do: flows.DoPass, Process: h.code, N: 1})
	if !strings.Contains(r.Text.Plain(), "Ik ken geen proces met code") {
		t.Errorf("a button of the deleted process: %q", r.Text.Plain())
	}
}
