package bot

import (
	"strings"
	"testing"

	"github.com/samen-bot/samen/store/redistest"
)

// TestStoreOutageSaysBusy: while Redis is away, an answer gets a kind
// "busy, nothing changed, try again in a minute" (not the generic "something
// went wrong"), and once Redis is back the same answer is taken, once.
func TestStoreOutageSaysBusy(t *testing.T) {
	srv := redistest.StartWith(t, "--appendonly", "yes", "--appendfsync", "always")
	h := newHarness(t, openRedis(t, srv))
	h.setup()
	v := h.version()
	answer := func() *Reply {
		u := h.update("ann", chat("a"), "antwoord")
		u.ReplyToBot = true
		return h.handle(u)
	}

	srv.Stop()
	r := answer()
	if r == nil || !strings.Contains(r.Text.Plain(), "Het is even te druk") || !strings.Contains(r.Text.Plain(), "over een minuut") {
		t.Fatalf("reply during the outage: %+v, want the busy text", r)
	}
	if !r.Private {
		t.Errorf("the busy reply is not private")
	}

	srv.Restart()
	if r := answer(); r == nil || !strings.Contains(r.Text.Plain(), "ontvangen") {
		t.Fatalf("reply after the outage: %+v, want the answer received", r)
	}
	if got := h.version(); got != v+1 {
		t.Errorf("version %d after the outage, want %d: the answer once, nothing from the outage", got, v+1)
	}
}
