package web

// The browser tests drive the playground, and the dashboard it links to
// (dashboard_browser_test.go), in headless Chromium (found by chromium
// below; they are skipped without one, except in CI). Their
// screenshots go to $SAMEN_ARTIFACTS if set; with -update-screenshots also
// to testdata/screenshots, for the README:
//
//	go test ./bot/web/ -run Browser -update-screenshots

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/samen-bot/samen/flows"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "also write the browser tests' screenshots to testdata/screenshots, for the README")

// chromium returns the path of the browser the browser tests drive:
// $SAMEN_CHROMIUM, else /usr/bin/chromium, else chromium, chromium-browser
// or google-chrome on the PATH. Without one the test is skipped, but in CI
// (CI=true) a missing browser fails it.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SAMEN_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("SAMEN_CHROMIUM: %v", err)
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "no Chromium for the browser tests: install it (apt-get install chromium) or set SAMEN_CHROMIUM to its path"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browser is one tab of headless Chromium on the harness's server: the
// playground's page, or a tab it opened (the dashboard). What a page
// throws, writes to the console as an error (a CSP violation too) or opens
// as a dialog fails the test.
type browser struct {
	t     *testing.T
	h     *harness
	ctx   context.Context
	shots string // where screenshots go
	*watch
}

// watch gathers what the pages of one browser did wrong, in any tab.
type watch struct {
	mu       sync.Mutex
	problems []string
}

// wait bounds every single wait; the whole test has two minutes.
const wait = 15 * time.Second

func newBrowser(t *testing.T, h *harness) *browser {
	t.Helper()
	path := chromium(t)
	b := &browser{t: t, h: h, shots: os.Getenv("SAMEN_ARTIFACTS"), watch: &watch{}}
	if b.shots == "" {
		b.shots = t.TempDir()
	} else if err := os.MkdirAll(b.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	profile := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 2*time.Minute)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	var cancelTab context.CancelFunc
	b.ctx, cancelTab = chromedp.NewContext(allocCtx)
	// Cleanups run last first: the browser stops (and leaves its profile)
	// before the temporary directories and the harness's server go.
	t.Cleanup(func() {
		if err := chromedp.Cancel(b.ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("close the browser: %v", err)
		}
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Listen(b.ctx, b.listen); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("size the page: %v", err)
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(h.srv.URL+"/")); err != nil {
		t.Fatalf("open the playground: %v", err)
	}
	t.Cleanup(b.check)
	return b
}

// listen runs on the tab's event loop: it only notes what went wrong.
func (b *browser) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		b.problem("the page threw: %s (%s:%d)", text, d.URL, d.LineNumber)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			b.problem("console.error: %s", strings.Join(args, " "))
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			b.problem("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *page.EventJavascriptDialogOpening:
		b.problem("a %s dialog opened: %q", ev.Type, ev.Message)
		// Close it, or the page hangs; commands cannot run on this loop.
		go func() {
			_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}()
	}
}

func (w *watch) problem(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

func (w *watch) failed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.problems) > 0
}

// check fails the test for anything the pages did wrong so far.
func (b *browser) check() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Error(p)
	}
	b.problems = nil
}

// newTab runs click, which makes the page open a new tab (a link with
// target=_blank) at an address for which want is true, and returns that
// tab, watched as this one. The tab closes at the end of the test, or
// with close.
func (b *browser) newTab(what string, click chromedp.Action[chromedp.Void], want func(url string) bool) *browser {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, wait)
	defer cancel()
	opened := chromedp.WaitNewTarget(ctx, func(info *target.Info) bool { return info.Type == "page" && want(info.URL) })
	b.do(what, click)
	var id target.ID
	select {
	case id = <-opened:
	case <-ctx.Done():
	}
	if id == "" {
		b.fatal("%s: no new tab opened", what)
	}
	tab := &browser{t: b.t, h: b.h, shots: b.shots, watch: b.watch}
	var cancelTab context.CancelFunc
	tab.ctx, cancelTab = chromedp.NewContext(b.ctx, chromedp.WithTargetID(id), chromedp.WithListener(tab.listen))
	b.t.Cleanup(cancelTab)
	if err := chromedp.Do(tab.ctx); err != nil {
		b.fatal("%s: attach to the new tab: %v", what, err)
	}
	return tab
}

// close closes a tab newTab opened.
func (b *browser) close() {
	b.t.Helper()
	if err := chromedp.Cancel(b.ctx); err != nil && !errors.Is(err, context.Canceled) {
		b.t.Fatalf("close the tab: %v", err)
	}
}

// activate brings the tab to the front, as a person switching tabs does.
func (b *browser) activate() {
	b.t.Helper()
	b.do("switch to the tab", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, target.ActivateTarget, target.ActivateTargetParams{TargetID: t.TargetID})
		return err
	}))
}

// do runs browser actions; a failure ends the test, with what the page
// shows.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, wait)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fatal("%s: %v", what, err)
	}
}

func (b *browser) fatal(format string, args ...any) {
	b.t.Helper()
	b.check()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const m = document.getElementById("main"); return m && m.dataset.as !== undefined ? "as " + m.dataset.as + " in " + m.dataset.chat + ":\n" + m.innerText : location.pathname + ":\n" + document.body.innerText; })()`))
	if err != nil {
		shown = "(the page cannot be read: " + err.Error() + ")"
	}
	b.t.Fatalf(format+"\n\nthe page shows %s", append(args, shown)...)
}

// until waits for a JavaScript function of arg to return true. It polls
// in short spells, so that what the page did wrong meanwhile ends the wait
// at once, and a page that is loading anew is polled again.
func (b *browser) until(what, fn string, arg any) {
	b.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.PollFunction[bool](fn,
			chromedp.WithPollingArgs(arg),
			chromedp.WithPollingInterval(40*time.Millisecond),
			chromedp.WithPollingTimeout(time.Second),
		))
		cancel()
		switch {
		case err == nil && ok:
			b.check()
			return
		case b.failed(), b.ctx.Err() != nil, time.Now().After(deadline):
			b.fatal("waiting until %s: %v", what, err)
		}
	}
}

// where returns the person and chat the page shows.
func (b *browser) where() (as, chat string) {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`(() => { const m = document.getElementById("main"); return [m.dataset.as, m.dataset.chat]; })()`))
	if err != nil || len(v) != 2 {
		b.fatal("read where the page is: %v", err)
	}
	return v[0], v[1]
}

// follow clicks a link of the side bar and waits for the page it opens.
func (b *browser) follow(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, wait)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.fatal("click %s: %v", sel, err)
	}
	if resp.Status != 200 {
		b.fatal("click %s: %d %s", sel, resp.Status, resp.StatusText)
	}
}

// open becomes the person as (choosing them in the side bar) and opens
// chat: a room, or as's private chat with the bot.
func (b *browser) open(as, chat string) {
	b.t.Helper()
	if cur, _ := b.where(); cur != as {
		b.follow(fmt.Sprintf(`#people a[data-person=%q]`, as))
	}
	if _, cur := b.where(); cur != chat {
		if chat == "web:"+as {
			b.follow(`#private-chat`)
		} else {
			b.follow(fmt.Sprintf(`#rooms a[data-room=%q]`, strings.TrimPrefix(chat, "web:")))
		}
	}
	b.until("the page shows "+chat+" to "+as, `(want) => {
		const m = document.getElementById("main");
		return document.readyState === "complete" && m.dataset.as === want[0] && m.dataset.chat === want[1];
	}`, []string{as, chat})
}

// act takes an action on the page (a click, Enter) and waits until the
// page carried it out and shows the chat anew.
func (b *browser) act(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	before, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById("main").dataset.actions || "0"`))
	if err != nil {
		b.fatal("%s: %v", what, err)
	}
	b.do(what, actions...)
	b.until(what+" is done", `(before) => {
		const m = document.getElementById("main");
		return Number(m.dataset.actions || 0) > Number(before) && !m.hasAttribute("aria-busy");
	}`, before)
}

// say types text in the message box and presses Enter.
func (b *browser) say(text string) {
	b.t.Helper()
	b.act("type "+text, chromedp.SendKeys(chromedp.ID("say-text"), text+"\n"))
}

// press clicks the button labelled label on the newest message that has
// one.
func (b *browser) press(label string) {
	b.t.Helper()
	sel := `(//div[contains(@class,"msg")]//button[normalize-space(.)=` + xpathString(label) + `])[last()]`
	b.act("press "+label, chromedp.Click(sel))
}

// answer clicks "antwoorden" under the bot's newest message containing
// about, and types text as the answer.
func (b *browser) answer(about, text string) {
	b.t.Helper()
	b.do("answer "+about, chromedp.Click(`(//div[contains(@class,"msg")][contains(@class,"bot")][contains(.,`+xpathString(about)+`)]//button[contains(@class,"reply")])[last()]`))
	b.until("the page shows what is answered", `(about) => {
		const bar = document.getElementById("replybar");
		return !bar.hidden && bar.textContent.includes(about);
	}`, about)
	b.say(text)
}

// form waits for the form the bot asks to fill in and returns its title.
func (b *browser) form() string {
	b.t.Helper()
	b.do("wait for a form", chromedp.WaitVisible(chromedp.ID("form")))
	title, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("form-title")))
	if err != nil {
		b.fatal("read the form's title: %v", err)
	}
	return title
}

// fill types the form's fields and sends it.
func (b *browser) fill(fields ...string) {
	b.t.Helper()
	b.form()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#form [name=field]").length`))
	if err != nil || n != len(fields) {
		b.fatal("the form has %d fields, the test fills %d (%v)", n, len(fields), err)
	}
	for i, f := range fields {
		b.do("fill in the form", chromedp.SendKeys(chromedp.ID(fmt.Sprintf("field-%d", i)), f))
	}
	b.send()
}

// send clicks the form's Versturen and waits until the form is gone.
func (b *browser) send() {
	b.t.Helper()
	b.act("send the form", chromedp.Click(chromedp.ID("form-send")))
	b.do("the form closes", chromedp.WaitNotPresent(chromedp.ID("form")))
}

// sees waits until a message in the chat shown contains text, and returns
// the newest such message's text.
func (b *browser) sees(text string) string {
	b.t.Helper()
	b.until("a message shows "+text, `(text) => [...document.querySelectorAll("#messages .msg")].some((m) => m.textContent.includes(text))`, text)
	got, err := chromedp.Run(b.ctx, chromedp.PollFunction[string](`(text) => [...document.querySelectorAll("#messages .msg .text")].reverse().find((m) => m.textContent.includes(text)).textContent`,
		chromedp.WithPollingArgs(text), chromedp.WithPollingTimeout(wait)))
	if err != nil {
		b.fatal("read the message with %q: %v", text, err)
	}
	return got
}

// screenshot saves the page as name (a .png) in the artifacts, and with
// -update-screenshots in testdata/screenshots too.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	// Let the page settle: nothing in flight, the newest message in view.
	b.until("the page is idle", `() => { const m = document.getElementById("main"); return document.readyState === "complete" && !(m && m.hasAttribute("aria-busy")); }`, nil)
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fatal("screenshot %s: %v", name, err)
	}
	dirs := []string{b.shots}
	if *updateScreenshots {
		dirs = append(dirs, filepath.Join("testdata", "screenshots"))
	}
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	if os.Getenv("SAMEN_ARTIFACTS") != "" {
		b.t.Logf("screenshot: %s", filepath.Join(b.shots, name))
	}
}

// xpathString quotes s for an XPath expression.
func xpathString(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return `concat("` + strings.ReplaceAll(s, `"`, `", '"', "`) + `")`
}

// storedProcess reads the only process from the store, as the bot does.
func (h *harness) storedProcess() *flows.Process {
	h.t.Helper()
	ids, err := h.store.Processes(h.ctx)
	if err != nil || len(ids) != 1 {
		h.t.Fatalf("the store holds the processes %v (%v), want one", ids, err)
	}
	hist, err := h.store.Load(h.ctx, ids[0])
	if err != nil {
		h.t.Fatal(err)
	}
	p := &flows.Process{}
	if hist.Snapshot != nil {
		if p, err = flows.DecodeSnapshot(hist.Snapshot); err != nil {
			h.t.Fatal(err)
		}
	}
	if err := flows.Replay(p, hist.Events); err != nil {
		h.t.Fatal(err)
	}
	return p
}

// The short process of TestWholeProcessInThePlayground, carried out in
// Chromium by clicking and typing: the facilitator and four residents in
// two groups choose who they are and where in the side bar, type commands,
// press the bot's buttons and fill in its forms, until the proposal is
// adopted in both rooms.
func TestBrowserWholeProcess(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	b := newBrowser(t, h)

	b.open("ilse", "web:ilse")
	b.say("/new Speeltuin Dorpsstraat")
	m := codePattern.FindStringSubmatch(b.sees("De code is"))
	if m == nil {
		t.Fatal("no process code in the reply to /new")
	}
	code := m[1]
	b.say("/set quorum 50% 1")
	b.open("ilse", bewoners)
	b.say("/link " + code + " Bewoners Dorpsstraat")
	b.sees("Deze chat is nu de groep Bewoners Dorpsstraat")
	b.open("ilse", welkom)
	b.say("/link " + code + " Buurtnetwerk Welkom")
	b.sees("Deze chat is nu de groep Buurtnetwerk Welkom")

	join := func(as, name, chat, group string) {
		t.Helper()
		b.open(as, chat)
		b.press("Ik stem in en doe mee")
		b.sees(name + " doet mee in " + group + ". Welkom!")
		b.open(as, "web:"+as)
		b.sees("Welkom, " + name + "!")
	}
	join("wim", "Wim", bewoners, "Bewoners Dorpsstraat")
	join("priya", "Priya", bewoners, "Bewoners Dorpsstraat")
	join("yusuf", "Yusuf", welkom, "Buurtnetwerk Welkom")
	join("els", "Els", welkom, "Buurtnetwerk Welkom")

	nominate := func(as, name, chat, group string) {
		t.Helper()
		b.open("ilse", chat)
		b.say("/rep " + name)
		b.sees("De gespreksleider stelt " + name + " voor als vertegenwoordiger van " + group + ".")
		b.open(as, "web:"+as)
		b.sees("Neem je het aan?")
		b.press("Ik neem het aan")
		b.sees("ben je daarna vertegenwoordiger")
	}
	nominate("wim", "Wim", bewoners, "Bewoners Dorpsstraat")
	nominate("els", "Els", welkom, "Buurtnetwerk Welkom")

	// A round in both rooms, answered through the page's forms and by
	// answering the round's message.
	b.open("ilse", "web:ilse")
	b.say("/round concerns all")
	b.sees("Ronde 1 (Zorgen en ervaringen delen) is geopend in 2 chats.")
	const concerns = "Ronde 1 · Zorgen en ervaringen delen"
	b.open("wim", bewoners)
	b.sees(concerns)
	b.screenshot("playground-round.png")

	const script = "Ik woon hier. <script>alert(1)</script>"
	b.press("Privé antwoorden")
	if title := b.form(); !strings.Contains(title, "Ronde") {
		t.Fatalf("\"Privé antwoorden\" opened the form %q, want the round's", title)
	}
	if focus, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.activeElement.id`)); focus != "field-0" {
		t.Errorf("the cursor is in %q after the form opened, want it in the form", focus)
	}
	b.do("type the answer", chromedp.SendKeys(chromedp.ID("field-0"), script))
	b.send()
	b.open("wim", "web:wim")
	b.sees("ontvangen")

	b.open("priya", bewoners)
	b.answer(concerns, "Mijn kinderen fietsen hier langs.")
	b.open("priya", "web:priya")
	b.sees("je antwoord in ronde 1 (Zorgen en ervaringen delen) is ontvangen")
	b.open("priya", bewoners)
	if got := b.sees(concerns); !strings.Contains(got, "2 van 2 hebben geantwoord") {
		t.Errorf("the round's progress in Bewoners reads:\n%s", got)
	}

	const anonymous = "Ik ben bang dat het uit de hand loopt."
	b.open("yusuf", welkom)
	b.press("Anoniem antwoorden")
	b.fill(anonymous)
	b.open("yusuf", "web:yusuf")
	b.sees("anoniem opgeslagen")
	b.open("els", welkom)
	b.press("Privé antwoorden")
	b.form()
	b.do("type the answer", chromedp.SendKeys(chromedp.ID("field-0"), "Ik wil de nieuwe buren leren kennen."))
	b.screenshot("playground-form.png")
	b.send()

	b.open("ilse", "web:ilse")
	b.say("/close 1")
	if summary := b.sees("Samenvatting ronde 1"); !strings.Contains(summary, "Een deelnemer: "+anonymous) {
		t.Errorf("the summary lacks the anonymous answer:\n%s", summary)
	}
	b.press("Goedkeuren en delen")
	for _, chat := range []string{bewoners, welkom} {
		b.open("ilse", chat)
		relay := b.sees("Wat er gezegd is in ronde 1")
		for _, want := range []string{"Wim: " + script, "Priya: Mijn kinderen", "Een deelnemer: " + anonymous, "Els: Ik wil"} {
			if !strings.Contains(relay, want) {
				t.Errorf("the relay in %s lacks %q:\n%s", chat, want, relay)
			}
		}
	}

	// The nomination windows pass; the page shows what the timers sent
	// by polling, and keeps what Wim was typing meanwhile.
	b.open("wim", bewoners)
	const draft = "Ik denk er nog over na"
	b.do("type a draft", chromedp.SendKeys(chromedp.ID("say-text"), draft))
	h.advance(24 * time.Hour)
	b.sees("Wim is nu vertegenwoordiger van Bewoners Dorpsstraat.")
	if got, _ := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[document.getElementById("say-text").value, document.activeElement.id]`)); len(got) != 2 || got[0] != draft || got[1] != "say-text" {
		t.Errorf("after the page showed new messages, the message box holds %q (want the draft %q, with the cursor in it)", got, draft)
	}
	b.do("clear the draft", chromedp.Clear(chromedp.ID("say-text")))
	b.open("els", welkom)
	b.sees("Els is nu vertegenwoordiger van Buurtnetwerk Welkom.")

	// A proposal, consent by buttons, confirmation by the representatives.
	const proposal = "Er komt een klankbordgroep van buren die elke maand bijeenkomt."
	b.open("ilse", "web:ilse")
	b.say("/propose " + proposal)
	b.say("/consent 1")
	const consent = "Ronde 2 · Instemming met voorstel 1, versie 1"
	for _, v := range []struct{ as, chat string }{{"wim", bewoners}, {"priya", bewoners}, {"yusuf", welkom}, {"els", welkom}} {
		b.open(v.as, v.chat)
		b.sees(consent)
		b.press("Ik stem in")
		b.open(v.as, "web:"+v.as)
		b.sees("Genoteerd: Ik stem in.")
	}
	b.open("ilse", "web:ilse")
	b.say("/close 2")
	b.open("wim", bewoners)
	b.sees("Uitkomst: ingestemd.")
	b.open("wim", "web:wim")
	b.press("Bevestig voor Bewoners Dorpsstraat")
	b.open("els", "web:els")
	b.press("Bevestig voor Buurtnetwerk Welkom")
	const adopted = "Voorstel 1 (versie 1) is aangenomen."
	for _, chat := range []string{welkom, bewoners} {
		b.open("priya", chat)
		b.sees(adopted)
		notice := `(//div[contains(@class,"msg")][contains(.,` + xpathString(adopted) + `)])[last()]`
		b.do("show the adoption in "+chat, chromedp.ScrollIntoView(notice), chromedp.WaitVisible(notice))
	}
	b.say("/plan")
	if plan := b.sees("Voorstel 1"); !strings.Contains(plan, proposal) {
		t.Errorf("/plan shows:\n%s", plan)
	}
	b.screenshot("playground-adopted.png")

	p := h.storedProcess()
	if len(p.Proposals) != 1 || p.Proposals[0].Adopted != 1 {
		t.Fatalf("the store holds the proposals %+v, want proposal 1 adopted in version 1", p.Proposals)
	}
	if got := p.Proposals[0].Version(1).Text; got != proposal {
		t.Errorf("the adopted text is %q, want %q", got, proposal)
	}
}

// A participant's answer with markup is text on the page, whether the page
// was loaded or refreshed by its script: no script runs, no dialog opens,
// no element comes from it.
func TestBrowserScriptIsShownAsText(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya"}, []string{"Bewoners", "Welkom"})
	h.say("ilse", "web:ilse", "/new Speeltuin")
	code := codePattern.FindStringSubmatch(h.said("ilse", "web:ilse", "De code is").Text.Plain())[1]
	h.say("ilse", "web:ilse", "/set quorum 50% 1")
	h.say("ilse", bewoners, "/link "+code+" Bewoners")
	h.say("ilse", welkom, "/link "+code+" Welkom")
	h.press("wim", bewoners, "Ik stem in en doe mee")
	h.press("priya", bewoners, "Ik stem in en doe mee")
	h.say("ilse", "web:ilse", "/round concerns all")
	h.said("ilse", "web:ilse", "Ronde 1 (Zorgen en ervaringen delen) is geopend")
	const concerns = "Ronde 1 · Zorgen en ervaringen delen"

	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	b := newBrowser(t, h)
	shownAsText := func(where string) {
		t.Helper()
		b.until(where+": the answer shows", `(evil) => [...document.querySelectorAll("#messages .msg")].some((m) => m.textContent.includes(evil))`, evil)
		counts, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int](`[document.scripts.length, document.images.length, document.querySelectorAll("#messages script, #messages img, [onerror]").length]`))
		if err != nil {
			t.Fatal(err)
		}
		if counts[0] != 1 || counts[1] != 0 || counts[2] != 0 {
			t.Errorf("%s: the page has %d scripts (want app.js alone), %d images and %d elements from the answer", where, counts[0], counts[1], counts[2])
		}
		b.check()
	}

	// Wim answers the round's message in the room: his message comes back
	// through the script's refresh.
	b.open("wim", bewoners)
	b.answer(concerns, evil)
	shownAsText("Wim's answer, refreshed")
	b.do("reload", chromedp.Reload())
	shownAsText("Wim's answer, loaded")

	// Priya answers through the form; the bot relays both answers.
	b.open("priya", bewoners)
	b.press("Privé antwoorden")
	b.fill(evil)
	b.open("ilse", "web:ilse")
	b.say("/close 1")
	b.press("Goedkeuren en delen")
	b.open("priya", bewoners)
	relay := b.sees("Wat er gezegd is in ronde 1")
	for _, want := range []string{"Wim: " + evil, "Priya: " + evil} {
		if !strings.Contains(relay, want) {
			t.Errorf("the relay lacks %q:\n%s", want, relay)
		}
	}
	shownAsText("the relay")
}
