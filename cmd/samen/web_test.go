package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/bot/web"
)

// The [web] section: defaults, the environment winning over the file, and
// every mistake with how to fix it.
func TestWebConfig(t *testing.T) {
	tests := []struct {
		name   string
		config string
		env    map[string]string
		// With no mistake: the resolved values, and whether the
		// playground runs without and with a chat platform.
		listen, publicURL string
		alone, beside     bool
		// Otherwise: what the message says.
		want []string
	}{
		{name: "defaults", listen: "127.0.0.1:8080", alone: true},
		{name: "playground on", config: "[web]\nplayground = \"on\"\n", listen: "127.0.0.1:8080", alone: true, beside: true},
		{name: "playground off", config: "[web]\nplayground = \"off\"\n", listen: "127.0.0.1:8080"},
		// On a public address, auto does not serve the playground (it has
		// no login); "on" does.
		{name: "the file", config: "[web]\nlisten = \"0.0.0.0:9000\"\npublic_url = \"https://samen.example.org/\"\n",
			listen: "0.0.0.0:9000", publicURL: "https://samen.example.org"},
		{name: "public_url alone", env: map[string]string{"SAMEN_PUBLIC_URL": "https://samen.example.org"},
			listen: "127.0.0.1:8080", publicURL: "https://samen.example.org"},
		{name: "listening on every address", env: map[string]string{"SAMEN_LISTEN": "0.0.0.0:8080"}, listen: "0.0.0.0:8080"},
		{name: "public and on", config: "[web]\nplayground = \"on\"\npublic_url = \"https://samen.example.org\"\n",
			listen: "127.0.0.1:8080", publicURL: "https://samen.example.org", alone: true, beside: true},
		{name: "the environment wins", config: "[web]\nlisten = \"0.0.0.0:9000\"\npublic_url = \"https://samen.example.org\"\n",
			env:    map[string]string{"SAMEN_LISTEN": "127.0.0.1:0", "SAMEN_PUBLIC_URL": "http://localhost:8080/"},
			listen: "127.0.0.1:0", publicURL: "http://localhost:8080", alone: true},
		{name: "ipv6", env: map[string]string{"SAMEN_LISTEN": "[::1]:8080"}, listen: "[::1]:8080", alone: true},

		{name: "listen without port", config: "[web]\nlisten = \"8080\"\n",
			want: []string{`web.listen (or SAMEN_LISTEN) is "8080": use host:port, like 127.0.0.1:8080`}},
		{name: "listen empty", config: "[web]\nlisten = \"\"\n",
			want: []string{"web.listen is empty: set it (or SAMEN_LISTEN) to host:port"}},
		{name: "port out of range", env: map[string]string{"SAMEN_LISTEN": "127.0.0.1:99999"},
			want: []string{`is "127.0.0.1:99999": the port must be a number from 0 to 65535`}},
		{name: "port by name", env: map[string]string{"SAMEN_LISTEN": "localhost:http"},
			want: []string{`is "localhost:http": the port must be a number`}},
		{name: "the environment's mistake wins too", config: "[web]\nlisten = \"127.0.0.1:8080\"\n", env: map[string]string{"SAMEN_LISTEN": "nope"},
			want: []string{`web.listen (or SAMEN_LISTEN) is "nope"`}},
		{name: "public_url without scheme", config: "[web]\npublic_url = \"samen.example.org\"\n",
			want: []string{`web.public_url (or SAMEN_PUBLIC_URL) is "samen.example.org": use the address people's browsers open, like https://samen.example.org`}},
		{name: "public_url not http", env: map[string]string{"SAMEN_PUBLIC_URL": "ftp://samen.example.org"},
			want: []string{`is "ftp://samen.example.org"`}},
		{name: "public_url with a path", env: map[string]string{"SAMEN_PUBLIC_URL": "https://example.org/samen"},
			want: []string{`is "https://example.org/samen"`, "without a path"}},
		{name: "public_url with a query", env: map[string]string{"SAMEN_PUBLIC_URL": "https://example.org/?a=1"},
			want: []string{`is "https://example.org/?a=1"`}},
		{name: "public_url with a fragment", env: map[string]string{"SAMEN_PUBLIC_URL": "https://example.org#top"},
			want: []string{`is "https://example.org#top"`}},
		{name: "public_url with a password", env: map[string]string{"SAMEN_PUBLIC_URL": "https://fay:hunter2@example.org"},
			want: []string{"web.public_url (or SAMEN_PUBLIC_URL) contains a user name or password"}},
		{name: "playground yes", config: "[web]\nplayground = \"yes\"\n",
			want: []string{`web.playground is "yes": use auto (the default: on when no chat platform is configured and only this machine reaches it), on or off`}},
		{name: "playground true", config: "[web]\nplayground = true\n",
			want: []string{`:2: key "playground" must be text`}},
		{name: "every mistake at once", config: "[web]\nlisten = \"x\"\npublic_url = \"y\"\nplayground = \"z\"\n",
			want: []string{`web.listen (or SAMEN_LISTEN) is "x"`, `web.public_url (or SAMEN_PUBLIC_URL) is "y"`, `web.playground is "z"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "samen.toml")
			if err := os.WriteFile(path, []byte(tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := loadConfig(path, true, func(k string) string { return tt.env[k] })
			if len(tt.want) > 0 {
				if err == nil {
					t.Fatalf("no mistake reported; want %q", tt.want)
				}
				for _, w := range tt.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("missing %q in:\n%v", w, err)
					}
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("the password is in the message:\n%v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Web.Listen != tt.listen || cfg.Web.PublicURL != tt.publicURL {
				t.Errorf("listen %q, public_url %q; want %q, %q", cfg.Web.Listen, cfg.Web.PublicURL, tt.listen, tt.publicURL)
			}
			if got := cfg.Web.playground(false); got != tt.alone {
				t.Errorf("without a chat platform the playground runs: %v, want %v", got, tt.alone)
			}
			if got := cfg.Web.playground(true); got != tt.beside {
				t.Errorf("beside a chat platform the playground runs: %v, want %v", got, tt.beside)
			}
		})
	}

	// A mistake in [web] stops `samen run` like any other.
	dir := t.TempDir()
	code, _, errOut := run(t, map[string]string{"SAMEN_DATA_DIR": dir, "SAMEN_LISTEN": "8080"}, "run")
	if code != exitUsage || !strings.Contains(errOut, `web.listen (or SAMEN_LISTEN) is "8080"`) {
		t.Errorf("a bad SAMEN_LISTEN: exit %d, %s", code, errOut)
	}
}

// The address people's browsers open: public_url, or the address actually
// listened on with an unspecified host as 127.0.0.1.
func TestWebURL(t *testing.T) {
	tests := []struct{ publicURL, addr, want string }{
		{"", "127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"", "127.0.0.1:43121", "http://127.0.0.1:43121"},
		{"", "0.0.0.0:8080", "http://127.0.0.1:8080"},
		{"", "[::]:8080", "http://127.0.0.1:8080"},
		{"", ":8080", "http://127.0.0.1:8080"},
		{"", "[::1]:8080", "http://[::1]:8080"},
		{"", "192.168.1.5:80", "http://192.168.1.5:80"},
		{"", "localhost:8080", "http://localhost:8080"},
		{"https://samen.example.org", "0.0.0.0:8080", "https://samen.example.org"},
	}
	for _, tt := range tests {
		if got := (WebConfig{PublicURL: tt.publicURL}).url(tt.addr); got != tt.want {
			t.Errorf("public_url %q, listening on %s: %q, want %q", tt.publicURL, tt.addr, got, tt.want)
		}
	}
	if webHandler(nil, nil) != nil {
		t.Error("with the playground off and nothing else to serve, there is a handler (and so a listener)")
	}
}

// An address in use says which to use instead, and exits 1 with that one
// message.
func TestRunListenAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	env := map[string]string{"SAMEN_DATA_DIR": t.TempDir(), "SAMEN_LISTEN": addr, "SAMEN_SECRET": "a-test-secret-that-is-long-enough-0123456789"}
	code, out, errOut := run(t, env, "run")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d:\n%s", code, exitFailed, errOut)
	}
	_, port, _ := net.SplitHostPort(addr)
	want := "samen: " + addr + " is in use: set SAMEN_LISTEN=127.0.0.1:" + nextPort(t, port) + " or [web] listen\n"
	if !strings.HasSuffix(errOut, want) {
		t.Errorf("the message does not end with %q:\n%s", want, errOut)
	}
	if strings.Count(errOut, "samen:") != 1 || out != "" {
		t.Errorf("want one message and nothing on stdout; stdout %q, stderr:\n%s", out, errOut)
	}
}

func nextPort(t *testing.T, port string) string {
	t.Helper()
	_, p, err := net.SplitHostPort(nextAddr(net.JoinHostPort("127.0.0.1", port)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// [web] playground = "on" runs the playground beside Telegram: both answer,
// through the same core and one sender.
func TestRunPlaygroundBesideTelegram(t *testing.T) {
	fake := &telegramtest.Server{}
	tgURL := fake.Start(t)
	fay := telegramtest.User{ID: 501, FirstName: "Fay", LanguageCode: "nl"}
	fake.Message(fay, telegramtest.Private(fay), "/start")
	dir := t.TempDir()
	path := filepath.Join(dir, "samen.toml")
	if err := os.WriteFile(path, []byte("[web]\nplayground = \"on\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SAMEN_DATA_DIR": dir, "SAMEN_TELEGRAM_TOKEN": fake.Token, "SAMEN_TELEGRAM_API_URL": tgURL, "SAMEN_LISTEN": "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"run", "-config", path}, &stdout, &stderr, func(k string) string { return env[k] })
	}()
	var base string
	waitFor(t, 30*time.Second, "the address on stdout", func() bool {
		m := addressLine.FindStringSubmatch(stdout.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	}, func() string { return "stdout:\n" + stdout.String() + "\nstderr:\n" + stderr.String() })
	b := newBrowser(t, base)
	b.say(b.as, b.room, "/help")
	b.waitForBot(b.as, b.room, "Ik begeleid een samenlevingsproces")
	fake.Wait(t, "the bot answers /start on Telegram", func() bool {
		for _, m := range fake.Chat(fay.ID) {
			if strings.Contains(m.Plain, "Hallo Fay") {
				return true
			}
		}
		return false
	})
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("samen run stopped with %d:\n%s", code, stderr.String())
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Error("the playground still answers after samen run returned")
	}
}

// The README's run command for a newcomer: `go run ./cmd/samen`, with no
// configuration at all, serves the playground. The test builds the binary
// and starts it as a newcomer would: no arguments, a fresh directory, no
// SAMEN_* variables — except SAMEN_LISTEN=127.0.0.1:0, so that parallel
// test runs do not clash over a port (a newcomer gets 127.0.0.1:8080).
func TestNewcomerRunsThePlayground(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the samen binary")
	}
	if runtime.GOOS == "windows" {
		t.Skip("stops the binary with os.Interrupt, which Windows cannot send")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "samen")
	build := exec.Command(goTool(t), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	clone, home := filepath.Join(tmp, "clone"), filepath.Join(tmp, "home")
	for _, d := range []string{clone, home} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}

	cmd := exec.Command(bin)
	cmd.Dir = clone
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "SAMEN_LISTEN=127.0.0.1:0"}
	var stdout, stderr syncBuffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// One goroutine reads stdout to the end (handing each line over), then
	// waits for the process: Wait comes after the last read of the pipe.
	lines := make(chan string, 64)
	exited := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			stdout.Write([]byte(sc.Text() + "\n"))
			select {
			case lines <- sc.Text():
			default: // nobody is looking any more
			}
		}
		exited <- cmd.Wait()
	}()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	output := func() string { return "stdout:\n" + stdout.String() + "\nstderr:\n" + stderr.String() }

	var base string
	deadline := time.After(60 * time.Second)
	for base == "" {
		select {
		case l := <-lines:
			if m := addressLine.FindStringSubmatch(l); m != nil {
				base = m[1]
			}
		case err := <-exited:
			stopped = true
			t.Fatalf("samen stopped before serving the playground: %v\n%s", err, output())
		case <-deadline:
			t.Fatalf("samen printed no http://127.0.0.1:PORT line within 60s\n%s", output())
		}
	}
	if strings.HasSuffix(base, ":0") {
		t.Fatalf("the printed address %s does not show the port listened on", base)
	}

	// The page is the playground, and an action through its CSRF flow
	// reaches the bot, whose answer shows in the chat.
	b := newBrowser(t, base)
	if b.as != "gespreksleider" || b.room != "web:groep-1" {
		t.Errorf("the page opens as %q in %q, want the facilitator in the first room", b.as, b.room)
	}
	b.say(b.as, b.room, "/help")
	b.waitForBot(b.as, b.room, "Ik begeleid een samenlevingsproces")

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			t.Fatalf("after Ctrl+C samen exited with %v, want status 0\n%s", err, output())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("samen did not stop within 30s of Ctrl+C\n%s", output())
	}
	if _, err := os.Stat(filepath.Join(clone, "samen-data", "samen.db")); err != nil {
		t.Errorf("the embedded store is not in ./samen-data: %v", err)
	}
	if info, err := os.Stat(filepath.Join(clone, "samen-data", secretFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the generated secret: %v %v", info, err)
	}
}

// addressLine is the line samen run prints when it serves the playground.
var addressLine = regexp.MustCompile(`Samen draait: open (http://127\.0\.0\.1:[0-9]+) in je browser`)

// goTool finds the go command of the toolchain running the test.
func goTool(t *testing.T) string {
	t.Helper()
	name := "go"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if p := filepath.Join(runtime.GOROOT(), "bin", name); fileExists(p) {
		return p
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build samen with: %v", err)
	}
	return p
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// waitFor polls cond every 50ms until it holds, failing the test after
// timeout with what show returns.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool, show func() string) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("%s: not within %v\n%s", what, timeout, show())
		}
	}
}

// browser is a person at the playground's page: a cookie jar, the page's
// CSRF token, and who the page says they are and where.
type browser struct {
	t        *testing.T
	base     string
	client   *http.Client
	csrf     string
	as, room string
}

var (
	csrfMeta = regexp.MustCompile(`<meta name="csrf" content="([0-9a-f]+)">`)
	mainAttr = regexp.MustCompile(`<main id="main" data-as="([^"]*)" data-chat="([^"]*)"`)
)

// newBrowser opens the page and checks it is the playground.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, base: base, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	resp, err := b.client.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	page := string(body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Samen — speeltuin</title>") {
		t.Fatalf("GET %s/: %s, not the playground:\n%s", base, resp.Status, page)
	}
	m := csrfMeta.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page carries no CSRF token:\n%s", page)
	}
	b.csrf = m[1]
	m = mainAttr.FindStringSubmatch(page)
	if m == nil || m[1] == "" || m[2] == "" {
		t.Fatalf("the page names no person and chat:\n%s", page)
	}
	b.as, b.room = m[1], m[2]
	return b
}

// say types text in chat as the page's script posts it.
func (b *browser) say(as, chat, text string) {
	b.t.Helper()
	form := url.Values{"as": {as}, "chat": {chat}, "text": {text}}
	req, err := http.NewRequest(http.MethodPost, b.base+"/say", strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf)
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("POST /say %q: %s %s", text, resp.Status, body)
	}
}

// messages reads a chat as the page's polling does.
func (b *browser) messages(as, chat string) ([]web.Message, error) {
	resp, err := b.client.Get(b.base + "/chat?" + url.Values{"as": {as}, "chat": {chat}}.Encode())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New("GET /chat: " + resp.Status)
	}
	var v struct {
		Messages []web.Message `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return nil, err
	}
	return v.Messages, nil
}

// waitForBot polls the chat until the bot said want there.
func (b *browser) waitForBot(as, chat, want string) {
	b.t.Helper()
	var seen []string
	waitFor(b.t, 10*time.Second, "the bot's answer in "+chat, func() bool {
		msgs, err := b.messages(as, chat)
		if err != nil {
			b.t.Fatal(err)
		}
		seen = seen[:0]
		for _, m := range msgs {
			seen = append(seen, m.From+": "+m.Text.Plain())
			if m.From == "" && strings.Contains(m.Text.Plain(), want) {
				return true
			}
		}
		return false
	}, func() string {
		return fmt.Sprintf("want the bot to say %q; the chat has:\n%s", want, strings.Join(seen, "\n"))
	})
}

// config.example.toml documents every key: as it is, it is a valid
// configuration with the defaults.
func TestConfigExampleIsValid(t *testing.T) {
	cfg, err := loadConfig("../../config.example.toml", true, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	want := defaultConfig().Web
	want.findChromium() // both look for the same browser
	if cfg.Web != want {
		t.Errorf("[web] of config.example.toml: %+v, want the defaults %+v", cfg.Web, want)
	}
}
