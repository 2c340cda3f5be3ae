package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store/redistest"
	"github.com/samen-bot/samen/store/storetest"
)

var _ storetest.Store = (*Redis)(nil)

// prefixes makes a distinct key prefix for each harness on a shared server.
var prefixes atomic.Int64

func newPrefix() string { return fmt.Sprintf("samen-test-%d", prefixes.Add(1)) }

func openTestRedis(t *testing.T, srv *redistest.Server, prefix string) *Redis {
	t.Helper()
	r, err := OpenRedis(t.Context(), srv.URL(), RedisOptions{Prefix: prefix})
	if err != nil {
		t.Fatalf("OpenRedis: %v", err)
	}
	return r
}

func TestRedisConformance(t *testing.T) {
	srv := redistest.Start(t)
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		prefix := newPrefix()
		return storetest.Harness{Open: func(t *testing.T) storetest.Store {
			return openTestRedis(t, srv, prefix)
		}}
	})
}

// TestRedisClusterConformance runs the suite through a Cluster client on a
// one-node cluster: any script or transaction across slots would fail with
// CROSSSLOT, and Append takes the path for clients whose pipelines may
// reorder (script first, then hints).
func TestRedisClusterConformance(t *testing.T) {
	srv := redistest.StartCluster(t)
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		prefix := newPrefix()
		return storetest.Harness{Open: func(t *testing.T) storetest.Store {
			return NewRedis(srv.NewClusterClient(t), RedisOptions{Prefix: prefix})
		}}
	})
}

// countHook counts what a client sends: single commands and pipelines, and
// the keys of every script call.
type countHook struct {
	cmds, pipes atomic.Int64
	mu          sync.Mutex
	scriptKeys  [][]string
	names       []string
}

func (h *countHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.cmds.Add(1)
		h.record(cmd)
		return next(ctx, cmd)
	}
}

func (h *countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.pipes.Add(1)
		for _, cmd := range cmds {
			h.record(cmd)
		}
		return next(ctx, cmds)
	}
}

func (h *countHook) record(cmd redis.Cmder) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.names = append(h.names, cmd.Name())
	if name := cmd.Name(); name != "eval" && name != "evalsha" {
		return
	}
	args := cmd.Args()
	n, _ := strconv.Atoi(fmt.Sprint(args[2]))
	keys := make([]string, n)
	for i := range n {
		keys[i] = fmt.Sprint(args[3+i])
	}
	h.scriptKeys = append(h.scriptKeys, keys)
}

func (h *countHook) reset() {
	h.cmds.Store(0)
	h.pipes.Store(0)
	h.mu.Lock()
	h.names, h.scriptKeys = nil, nil
	h.mu.Unlock()
}

func (h *countHook) sent() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.names)
}

func richTestCommit(p, key string, expected int64) flows.Commit {
	return flows.Commit{
		Process: p, Key: key, KeyExpires: time.Now().Add(flows.MinKeyTTL), Expected: expected,
		Events:   [][]byte{[]byte("e")},
		Snapshot: []byte("s"),
		Outbox:   []flows.OutboxEntry{{Chat: "c", Body: []byte("b")}},
		NextDue:  time.Now().Add(time.Hour),
		Result:   []byte("r"),
	}
}

func TestRedisAppendIsOneRoundTrip(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()

	// A store from OpenRedis has its scripts loaded: even the first Append
	// is one round trip.
	r := openTestRedis(t, srv, newPrefix())
	defer r.Close()
	hook := &countHook{}
	r.client.AddHook(hook)
	// go-redis keeps separate connections for pipelines: open one first, so
	// that its handshake (HELLO, CLIENT SETINFO) is not counted.
	if _, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error { return p.Ping(ctx).Err() }); err != nil {
		t.Fatalf("pipelined Ping: %v", err)
	}
	for i := range 3 {
		hook.reset()
		if _, err := r.Append(ctx, richTestCommit("p", fmt.Sprint("k", i), int64(i))); err != nil {
			t.Fatalf("Append: %v", err)
		}
		if hook.pipes.Load() != 1 || hook.cmds.Load() != 0 {
			t.Fatalf("Append %d: got %d pipelines and %d single commands (%v), want one pipeline",
				i, hook.pipes.Load(), hook.cmds.Load(), hook.sent())
		}
	}
	// A replay and a conflict too.
	for _, c := range []flows.Commit{richTestCommit("p", "k0", 0), richTestCommit("p", "new", 0)} {
		hook.reset()
		_, err := r.Append(ctx, c)
		if err != nil && !errors.Is(err, flows.ErrVersionConflict) {
			t.Fatalf("Append: %v", err)
		}
		if hook.pipes.Load() != 1 || hook.cmds.Load() != 0 {
			t.Fatalf("replay or conflict: got %d pipelines and %d single commands (%v), want one pipeline",
				hook.pipes.Load(), hook.cmds.Load(), hook.sent())
		}
	}
}

func TestRedisSurvivesScriptFlush(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	client := srv.NewClient(t)
	hook := &countHook{}
	client.AddHook(hook)
	// NewRedis loads no script: the first Append finds none.
	r := NewRedis(client, RedisOptions{Prefix: newPrefix()})
	flush := func() {
		t.Helper()
		if err := client.ScriptFlush(ctx).Err(); err != nil {
			t.Fatalf("SCRIPT FLUSH: %v", err)
		}
	}
	due := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	for i := range 3 {
		flush()
		c := richTestCommit("p", fmt.Sprint("k", i), int64(i))
		c.NextDue = due
		if res, err := r.Append(ctx, c); err != nil || res.Version != int64(i+1) || res.Replayed {
			t.Fatalf("Append after SCRIPT FLUSH: got %+v, %v, want version %d", res, err, i+1)
		}
		hook.reset()
		if _, err := r.Append(ctx, richTestCommit("p", fmt.Sprint("k", i), 0)); err != nil {
			t.Fatalf("replay: %v", err)
		}
		if hook.pipes.Load() != 1 || hook.cmds.Load() != 0 {
			t.Fatalf("Append after the script was reloaded: got %d pipelines and %d single commands (%v), want one pipeline",
				hook.pipes.Load(), hook.cmds.Load(), hook.sent())
		}
	}
	flush()
	if h, err := r.Load(ctx, "p"); err != nil || h.Version != 3 {
		t.Fatalf("Load after SCRIPT FLUSH: got %+v, %v, want version 3", h, err)
	}
	flush()
	if err := r.MarkSent(ctx, flows.Sent{Process: "p", Seq: 1, Ref: "ref", MessageID: "m"}); err != nil {
		t.Fatalf("MarkSent after SCRIPT FLUSH: %v", err)
	}
	if id, err := r.MessageRef(ctx, "p", "ref"); err != nil || id != "m" {
		t.Fatalf("MessageRef: got %q, %v, want m", id, err)
	}
	// Due's repair script: a stale hint for a process without due time.
	if err := client.ZAdd(ctx, r.gkey("due"), redis.Z{Score: 1, Member: "ghost"}).Err(); err != nil {
		t.Fatalf("ZADD: %v", err)
	}
	flush()
	got, err := r.Due(ctx, time.Now(), 10)
	if err != nil || len(got) != 1 || got[0].Process != "p" || !got[0].At.Equal(due) {
		t.Fatalf("Due after SCRIPT FLUSH: got %v, %v, want p at %v", got, err, due)
	}
}

// tagOf is the part of key Redis Cluster hashes: the first {…}, if not empty.
func tagOf(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

func TestRedisKeysCarryHashTag(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	client := srv.NewClient(t)
	hook := &countHook{}
	client.AddHook(hook)
	prefix := newPrefix()
	r := NewRedis(client, RedisOptions{Prefix: prefix})

	const p = "p123"
	for i := range 3 {
		if _, err := r.Append(ctx, richTestCommit(p, fmt.Sprint("k", i), int64(i))); err != nil {
			t.Fatalf("Append: %v", err)
		}
	}
	if _, err := r.Append(ctx, richTestCommit(p, "k0", 0)); err != nil {
		t.Fatalf("replay: %v", err)
	}
	if _, err := r.Append(ctx, richTestCommit(p, "late", 0)); !errors.Is(err, flows.ErrVersionConflict) {
		t.Fatalf("conflict: got %v", err)
	}
	if err := r.MarkSent(ctx, flows.Sent{Process: p, Seq: 1, Ref: "r", MessageID: "m"}); err != nil {
		t.Fatalf("MarkSent: %v", err)
	}
	if _, err := r.Load(ctx, p); err != nil {
		t.Fatalf("Load: %v", err)
	}
	if _, err := r.PendingOutbox(ctx, p, 10); err != nil {
		t.Fatalf("PendingOutbox: %v", err)
	}

	hints := []string{prefix + ":processes", prefix + ":due", prefix + ":outbox"}
	keys, err := client.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatalf("KEYS: %v", err)
	}
	perProcess := 0
	for _, k := range keys {
		switch {
		case slices.Contains(hints, k):
		case strings.HasPrefix(k, prefix+":{"+p+"}:"):
			perProcess++
		default:
			t.Errorf("key %q is neither a hint nor under the hash tag {%s}", k, p)
		}
	}
	if perProcess < 8 {
		t.Errorf("got %d keys under {%s}: %v, want all eight kinds", perProcess, p, keys)
	}
	hook.mu.Lock()
	defer hook.mu.Unlock()
	if len(hook.scriptKeys) == 0 {
		t.Fatalf("saw no script call")
	}
	for _, ks := range hook.scriptKeys {
		for _, k := range ks {
			if tagOf(k) != p {
				t.Errorf("script keys %v: %q is not in {%s}'s slot", ks, k, p)
			}
		}
	}
}

func TestRedisRepairsStaleHints(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	client := srv.NewClient(t)
	r := NewRedis(client, RedisOptions{Prefix: newPrefix()})
	base := time.UnixMilli(1_900_000_000_000)

	c := richTestCommit("p", "k", 0)
	c.NextDue = base.Add(10 * time.Second)
	if _, err := r.Append(ctx, c); err != nil {
		t.Fatalf("Append: %v", err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(client.SAdd(ctx, r.gkey("processes"), "ghost").Err())
	must(client.ZAdd(ctx, r.gkey("due"), redis.Z{Score: float64(base.UnixMilli()), Member: "ghost"}).Err())
	must(client.ZAdd(ctx, r.gkey("due"), redis.Z{Score: float64(base.UnixMilli()), Member: "p"}).Err())
	must(client.SAdd(ctx, r.gkey("outbox"), "ghost").Err())

	if ps, err := r.Processes(ctx); err != nil || !slices.Equal(ps, []string{"p"}) {
		t.Fatalf("Processes: got %v, %v, want [p]", ps, err)
	}

	if due, err := r.Due(ctx, base.Add(time.Second), 10); err != nil || len(due) != 0 {
		t.Fatalf("Due before p's time: got %v, %v, want none", due, err)
	}
	if err := client.ZScore(ctx, r.gkey("due"), "ghost").Err(); !isNil(err) {
		t.Fatalf("ZSCORE ghost after Due: got %v, want it removed", err)
	}
	if s, err := client.ZScore(ctx, r.gkey("due"), "p").Result(); err != nil || int64(s) != c.NextDue.UnixMilli() {
		t.Fatalf("ZSCORE p after Due: got %v, %v, want it re-scored to %d", s, err, c.NextDue.UnixMilli())
	}
	if due, err := r.Due(ctx, base.Add(time.Minute), 10); err != nil || len(due) != 1 || !due[0].At.Equal(c.NextDue) {
		t.Fatalf("Due after p's time: got %v, %v, want p at %v", due, err, c.NextDue)
	}

	ps, err := r.OutboxProcesses(ctx, 10)
	slices.Sort(ps)
	if err != nil || !slices.Equal(ps, []string{"ghost", "p"}) {
		t.Fatalf("OutboxProcesses: got %v, %v, want the hint [ghost p]", ps, err)
	}
	if out, err := r.PendingOutbox(ctx, "ghost", 10); err != nil || len(out) != 0 {
		t.Fatalf("PendingOutbox(ghost): got %v, %v, want none", out, err)
	}
	if ps, err := r.OutboxProcesses(ctx, 10); err != nil || !slices.Equal(ps, []string{"p"}) {
		t.Fatalf("OutboxProcesses after the repair: got %v, %v, want [p]", ps, err)
	}
}

func TestRedisOpenErrorsHideThePassword(t *testing.T) {
	srv := redistest.Start(t)
	const secret = "S3cretPass"
	urls := []string{
		"redis://user:" + secret + "@127.0.0.1:1/0?max_retries=-1",               // nothing listens
		"unix://user:" + secret + "@" + srv.Socket(),                             // the server has no password
		"unix://user:" + secret + "@" + srv.Socket() + ".missing?max_retries=-1", // no such socket
		"redis://user:" + secret + "@localhost:notaport",                         // unparsable
		"redis://user:" + secret + "/x@localhost:6379",                           // '/' in the password
		"redis://user:" + secret + "@localhost:6379/notadb",                      // bad database
		"redis://user:" + secret + "@localhost:6379/0?bogus=" + secret,           // unknown option
		"redis://:" + secret + "@local host:6379",                                // bad host
		"ftp://user:" + secret + "@localhost",                                    // bad scheme
		"redis://user:" + urlEscape(secret) + "%2F@localhost:1?max_retries=-1",   // escaped
	}
	for _, u := range urls {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		r, err := OpenRedis(ctx, u, RedisOptions{})
		cancel()
		if err == nil {
			r.Close()
			t.Errorf("OpenRedis(%q): got no error", u)
			continue
		}
		for e := err; e != nil; e = errors.Unwrap(e) {
			if strings.Contains(e.Error(), secret) || strings.Contains(fmt.Sprintf("%+v %#v", e, e), secret) {
				t.Errorf("OpenRedis error shows the password: %v", e)
			}
		}
		if !strings.HasPrefix(err.Error(), "open redis ") {
			t.Errorf("OpenRedis error %q lacks context", err)
		}
		t.Logf("%v", err)
	}
}

// urlEscape percent-encodes every byte, as a password with odd characters
// would be written in a URL.
func urlEscape(s string) string {
	var b strings.Builder
	for i := range len(s) {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

// loseReply is a hook that runs only the first command of the next
// pipeline (the Append script) and reports an error, as if the connection
// broke after the script ran: the hints are lost and the caller does not
// know whether the commit happened.
type loseReply struct{ armed atomic.Bool }

func (h *loseReply) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *loseReply) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (h *loseReply) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !h.armed.CompareAndSwap(true, false) {
			return next(ctx, cmds)
		}
		_ = next(ctx, cmds[:1])
		err := errors.New("connection reset (simulated)")
		for _, cmd := range cmds[1:] {
			cmd.SetErr(err)
		}
		return err
	}
}

func TestRedisRetryAfterLostReply(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	client := srv.NewClient(t)
	hook := &loseReply{}
	client.AddHook(hook)
	r := NewRedis(client, RedisOptions{Prefix: newPrefix()})
	first := richTestCommit("p", "k0", 0) // also loads the script
	first.NextDue = time.Time{}
	if _, err := r.Append(ctx, first); err != nil {
		t.Fatalf("Append: %v", err)
	}

	c := richTestCommit("p", "k1", 1)
	c.NextDue = time.UnixMilli(1_900_000_000_000)
	hook.armed.Store(true)
	if _, err := r.Append(ctx, c); err == nil {
		t.Fatalf("Append with a lost reply: got no error")
	}
	// The commit happened, but its hints did not.
	if h, err := r.Load(ctx, "p"); err != nil || h.Version != 2 {
		t.Fatalf("Load: got %+v, %v, want version 2", h, err)
	}
	if due, _ := r.Due(ctx, c.NextDue, 10); len(due) != 0 {
		t.Fatalf("Due without the hint: got %v, want none (this test's premise)", due)
	}
	// The caller retries with the same key: a replay, which writes the hints.
	res, err := r.Append(ctx, c)
	if err != nil || !res.Replayed || res.Version != 2 || string(res.Result) != "r" {
		t.Fatalf("retry: got %+v, %v, want a replay at version 2", res, err)
	}
	due, err := r.Due(ctx, c.NextDue, 10)
	if err != nil || len(due) != 1 || due[0].Process != "p" || !due[0].At.Equal(c.NextDue) {
		t.Fatalf("Due after the retry: got %v, %v, want p at %v", due, err, c.NextDue)
	}
}

func TestRedisOpenChecksPrefix(t *testing.T) {
	srv := redistest.Start(t)
	if _, err := OpenRedis(t.Context(), srv.URL(), RedisOptions{Prefix: "a{b}"}); err == nil {
		t.Fatalf("OpenRedis with braces in the prefix: got no error")
	}
}

func TestRedisCloseLeavesCallersClient(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.NewClient(t)
	if err := NewRedis(client, RedisOptions{}).Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := client.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("Ping after closing a NewRedis store: %v", err)
	}
}
