package metrics

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store"
)

// recorder is a transport that counts deliveries.
type recorder struct {
	mu sync.Mutex
	n  int
}

func (r *recorder) Deliver(context.Context, bot.OutMessage) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	return strconv.Itoa(r.n), nil
}

// scrape reads /metrics as a map from series ("name{labels}") to value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %s\n%s", url, res.Status, b)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// The bot core, its sender and the store, instrumented as cmd/samen wires
// them: eight updates (four commands, three buttons, an answer) move the
// counters by exactly that, every delivery is counted and timed, the
// gauges follow the outbox and the open round, and no series names a
// chat, user or process.
func TestMetricsFollowTheBot(t *testing.T) {
	ctx := context.Background()
	m := New()
	m.sampleAge = 0
	bolt, err := store.OpenBolt(filepath.Join(t.TempDir(), "samen.db"), store.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer bolt.Close()
	st := m.Store(bolt)
	core, err := bot.New(bot.Config{Store: st, Secret: []byte("metrics-test-secret-at-least-32-bytes"), Observer: m})
	if err != nil {
		t.Fatal(err)
	}
	out := &recorder{}
	sender := bot.NewSender(st, core.Renderer(), map[string]bot.Transport{"t": out}, nil, bot.WithObserver(m))
	m.Gauges(func(ctx context.Context) (int, error) { return sender.Pending(ctx, 100) }, core.ActiveProcesses)
	m.RateLimited("tg")()
	m.RateLimited("tg")()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	before := scrape(t, srv.URL)
	if before[`samen_outbox_pending`] != 0 || before[`samen_active_processes`] != 0 {
		t.Errorf("gauges before anything: %v %v", before[`samen_outbox_pending`], before[`samen_active_processes`])
	}

	seq := 0
	handle := func(user string, c flows.Chat, text string, button *flows.Intent) {
		t.Helper()
		seq++
		u := &bot.Update{Key: fmt.Sprintf("t:%d", seq), Chat: c, User: flows.UserID("t:" + user), Name: user, Text: text, BotName: "samenbot", Button: button, ReplyToBot: text == "Mijn zorg"}
		if _, err := core.Handle(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	group := func(id string) flows.Chat { return flows.Chat{ID: flows.ChatID("t:" + id)} }
	handle("fay", flows.Chat{ID: "t:fay", Private: true}, "/new Test", nil)
	code, err := core.CurrentProcess(ctx, "t:fay")
	if err != nil {
		t.Fatal(err)
	}
	handle("fay", group("a"), "/link "+code+" Groep A", nil)
	handle("fay", group("b"), "/link "+code+" Groep B", nil)
	for _, j := range []struct{ user, group, chat string }{{"ann", "g1", "a"}, {"bob", "g1", "a"}, {"cas", "g2", "b"}} {
		handle(j.user, group(j.chat), "", &flows.Intent{Do: flows.DoJoin, Process: code, Group: flows.GroupID(j.group)})
	}
	handle("fay", group("a"), "/round concerns all", nil)
	handle("ann", group("a"), "Mijn zorg", nil)

	mid := scrape(t, srv.URL)
	for series, want := range map[string]float64{
		`samen_updates_total{kind="command",platform="t"}`:             4,
		`samen_updates_total{kind="button",platform="t"}`:              3,
		`samen_updates_total{kind="text",platform="t"}`:                1,
		`samen_update_handling_seconds_count{platform="t"}`:            8,
		`samen_active_processes`:                                       1,
		`samen_rate_limited_total{platform="tg"}`:                      2,
		`samen_update_handling_seconds_bucket{platform="t",le="+Inf"}`: 8,
	} {
		if got := mid[series]; got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	pending := mid[`samen_outbox_pending`]
	if pending == 0 {
		t.Error("samen_outbox_pending is 0 with a round opened in two groups")
	}
	// Reads: a load, or (a state kept in memory) the log after it.
	reads := mid[`samen_store_seconds_count{op="load"}`] + mid[`samen_store_seconds_count{op="read_log"}`]
	if mid[`samen_store_seconds_count{op="append"}`] < 7 || reads == 0 {
		t.Errorf("store calls: append %v, load or read_log %v", mid[`samen_store_seconds_count{op="append"}`], reads)
	}

	if err := sender.FlushAll(ctx); err != nil {
		t.Fatal(err)
	}
	after := scrape(t, srv.URL)
	out.mu.Lock()
	delivered := float64(out.n)
	out.mu.Unlock()
	if delivered == 0 {
		t.Fatal("nothing was delivered")
	}
	if got := after[`samen_sends_total{platform="t",result="ok"}`]; got != delivered {
		t.Errorf("samen_sends_total ok = %v, want %v (deliveries)", got, delivered)
	}
	if got := after[`samen_send_seconds_count{platform="t"}`]; got != delivered {
		t.Errorf("samen_send_seconds_count = %v, want %v", got, delivered)
	}
	if got := after[`samen_outbox_pending`]; got != 0 {
		t.Errorf("samen_outbox_pending after the flush = %v, want 0 (was %v)", got, pending)
	}
	if got := after[`samen_updates_total{kind="command",platform="t"}`]; got != 4 {
		t.Errorf("a flush moved the update counter to %v", got)
	}
	for series := range after {
		for _, id := range []string{code, "t:fay", "t:a", "t:ann", "fay", "ann"} {
			if strings.Contains(series, `"`+id+`"`) {
				t.Errorf("series %s names %q", series, id)
			}
		}
	}
}

// A platform label is a short lower-case name or "other": a malformed chat
// id never becomes a series of its own.
func TestPlatformLabelIsBounded(t *testing.T) {
	for in, want := range map[string]string{"tg": "tg", "dc": "dc", "web": "web", "": "other", "123456789": "other", "Tg": "other", "averyverylongname": "other"} {
		if got := platform(in); got != want {
			t.Errorf("platform(%q) = %q, want %q", in, got, want)
		}
	}
}
