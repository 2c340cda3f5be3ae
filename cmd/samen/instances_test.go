package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/store/redistest"
)

// buildBinary builds cmd/samen into dir and returns its path.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "samen")
	if out, err := exec.Command(goTool(t), "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// apiWatch stands between each binary and the fake Bot API (a reverse proxy
// per binary, so the fake stays as it is) and records every binary's calls
// by method, and whether two getUpdates were ever in flight at once.
type apiWatch struct {
	mu       sync.Mutex
	calls    map[string]int // "instance method" → calls
	inFlight int            // getUpdates in flight, of any instance
	overlaps int
}

// proxy returns the API URL to give instance: a proxy to target.
func (w *apiWatch) proxy(t *testing.T, instance, target string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0) // a killed binary's cancelled poll
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		w.mu.Lock()
		w.calls[instance+" "+method]++
		if method == "getUpdates" {
			if w.inFlight++; w.inFlight > 1 {
				w.overlaps++
			}
		}
		w.mu.Unlock()
		if method == "getUpdates" {
			defer func() {
				w.mu.Lock()
				w.inFlight--
				w.mu.Unlock()
			}()
		}
		rp.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func (w *apiWatch) count(instance, method string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls[instance+" "+method]
}

// helpFrom has n people, numbered from first, write /help to the bot
// privately, and returns them.
func helpFrom(fake *telegramtest.Server, first, n int) []telegramtest.User {
	users := make([]telegramtest.User, n)
	for i := range users {
		users[i] = telegramtest.User{ID: int64(first + i), FirstName: fmt.Sprint("P", first+i), LanguageCode: "nl"}
		fake.Message(users[i], telegramtest.Private(users[i]), "/help")
	}
	return users
}

// TestTwoBinariesOnePoller: two `samen run` processes on one redis-server,
// in polling mode, against one fake Bot API. Only the holder of the poll
// lease calls getUpdates (the other only waits); no two getUpdates are ever
// in flight at once (Telegram would answer 409 to one). The holder is
// killed with SIGKILL, so it does not release the lease; the other takes
// over once the lease ([telegram] poll_lease, 3 s here) runs out, and the
// updates sent meanwhile are each answered exactly once.
func TestTwoBinariesOnePoller(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("kills the binary with SIGKILL")
	}
	const lease = 3 * time.Second
	rs := redistest.Start(t)
	fake := &telegramtest.Server{Limits: telegramtest.Limits{Off: true}, WaitTimeout: 30 * time.Second}
	apiURL := fake.Start(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "samen.toml"), []byte(fmt.Sprintf("[telegram]\npoll_lease = %q\n", lease)), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := buildBinary(t, dir)
	w := &apiWatch{calls: map[string]int{}}
	envFor := func(instance string) map[string]string {
		return map[string]string{
			"SAMEN_DATA_DIR": dir, "SAMEN_REDIS_URL": rs.URL(), "SAMEN_OPS_LISTEN": "off",
			"SAMEN_SECRET":         "two-pollers-secret-0123456789abcdef01234567",
			"SAMEN_TELEGRAM_TOKEN": fake.Token, "SAMEN_TELEGRAM_API_URL": w.proxy(t, instance, apiURL),
		}
	}
	ctx := context.Background()
	a, err := openApp(ctx, configChoice{path: filepath.Join(dir, "samen.toml")}, func(k string) string { return envFor("test")[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	inboxEmpty := func() {
		t.Helper()
		var inbox []string
		waitFor(t, 30*time.Second, "the shared inbox empty", func() bool {
			var err error
			inbox, err = a.store.SetMembers(ctx, "tg:inbox")
			return err == nil && len(inbox) == 0
		}, func() string { return fmt.Sprint("left: ", inbox) })
	}
	answeredOnce := func(users []telegramtest.User) {
		t.Helper()
		fake.Wait(t, "every /help answered", func() bool {
			for _, u := range users {
				if len(fake.Chat(u.ID)) == 0 {
					return false
				}
			}
			return true
		})
		inboxEmpty()
		for _, u := range users {
			if n := len(fake.Chat(u.ID)); n != 1 {
				t.Errorf("%s got %d answers to one /help, want 1", u.FirstName, n)
			}
		}
	}

	var logA, logB syncBuffer
	first := startBinary(t, bin, dir, envFor("a"), &logA)
	fake.Wait(t, "the first binary polls", func() bool { return w.count("a", "getUpdates") > 0 })
	second := startBinary(t, bin, dir, envFor("b"), &logB)
	// The second has registered its commands as the first did: next it
	// tries the lease, and waits.
	fake.Wait(t, "the second binary registered its commands", func() bool {
		return w.count("b", "setMyCommands") == w.count("a", "setMyCommands")
	})
	secondUp := time.Now()

	// Both run for two lease terms, the first answering everyone.
	var before []telegramtest.User
	for round := 0; round == 0 || time.Since(secondUp) < 2*lease; round++ {
		users := helpFrom(fake, 1000+10*round, 10)
		answeredOnce(users)
		before = append(before, users...)
	}
	if n := w.count("b", "getUpdates"); n != 0 {
		t.Errorf("the second binary called getUpdates %d times while the first held the lease", n)
	}
	pollsBefore, pollsSecond := w.count("a", "getUpdates"), w.count("b", "getUpdates")

	// The holder is killed, idle (an update it had claimed would wait out
	// its claim); people write meanwhile.
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	killed := time.Now()
	meanwhile := helpFrom(fake, 5000, 20)
	fake.Wait(t, "the second binary polls", func() bool { return w.count("b", "getUpdates") > 0 })
	took := time.Since(killed)
	answeredOnce(meanwhile)
	after := helpFrom(fake, 6000, 10)
	answeredOnce(after)
	answeredOnce(before)

	// The lease, renewed every third of its term, ran out at most a term
	// after the kill; the second looks every third of a term.
	if limit := lease + lease/3 + 2*time.Second; took > limit {
		t.Errorf("the second binary took over %v after the kill; want within %v (lease %v)", took, limit, lease)
	}
	w.mu.Lock()
	if w.overlaps != 0 {
		t.Errorf("%d getUpdates overlapped another", w.overlaps)
	}
	w.mu.Unlock()
	for _, c := range fake.FailedCalls() {
		if c.Method == "getUpdates" {
			t.Errorf("getUpdates answered %d (two pollers?)", c.Status)
		}
	}
	second.Process.Signal(os.Interrupt)
	if err := second.Wait(); err != nil {
		t.Errorf("the second binary stopped with %v", err)
	}
	t.Logf("two pollers: %d /help while both ran (%v), through the first's %d getUpdates and the second's %d; the first killed, the second polled %v later (lease %v); %d /help meanwhile and %d after, each answered once",
		len(before), killed.Sub(secondUp).Round(100*time.Millisecond), pollsBefore, pollsSecond, took.Round(100*time.Millisecond), lease, len(meanwhile), len(after))
	if t.Failed() {
		t.Logf("first:\n%s\nsecond:\n%s", logA.String(), logB.String())
	}
}
