package web

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot"
)

// findChromium returns the Chromium to print PDFs and drive browser tests
// with: $SAMEN_CHROMIUM, else the first found of Debian's and others'
// names; "" if there is none.
func findChromium() string {
	if p := os.Getenv("SAMEN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// linkPattern matches a dashboard link: the harness's bot writes its
// links to the harness's server (its public URL), and the path and query
// are the submatch.
func (h *harness) linkPattern() *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(h.srv.URL) + `(/dashboard\?t=[A-Za-z0-9._-]+)`)
}

// dashboardLink asks the bot for a dashboard link in as's private chat and
// returns its path and query.
func (h *harness) dashboardLink(as string) string {
	h.t.Helper()
	h.say(as, "web:"+as, "/dashboard")
	m := h.linkPattern().FindStringSubmatch(h.said(as, "web:"+as, "dashboard").Text.Plain())
	if m == nil {
		h.t.Fatalf("no dashboard link in the reply:\n%s", h.transcript(as, "web:"+as))
	}
	return m[1]
}

// openDashboard opens a link as a person does: the link's page, then its
// button. It returns what fetch returns for the page it ends on, and
// keeps the session's CSRF token for dashboard POSTs.
func (h *harness) openDashboard(link string) (int, string, string) {
	h.t.Helper()
	status, path, page := h.fetch(link)
	m := regexp.MustCompile(`<input type="hidden" name="csrf" value="([0-9a-f]+)"><input type="hidden" name="t" value="([^"]+)">`).FindStringSubmatch(page)
	if status != http.StatusOK || m == nil {
		return status, path, page
	}
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/dashboard/open", strings.NewReader(url.Values{"csrf": {m[1]}, "t": {html.UnescapeString(m[2])}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return resp.StatusCode, "/dashboard/open", string(body)
	}
	status, path, page = h.fetch(resp.Header.Get("Location"))
	if m := regexp.MustCompile(`<meta name="csrf" content="([0-9a-f]+)">`).FindStringSubmatch(page); m != nil {
		h.dashCSRF = m[1]
	}
	return status, path, page
}

// fetch GETs a path with the harness's browser, following redirects, and
// returns the status, the final path and the body.
func (h *harness) fetch(path string) (int, string, string) {
	h.t.Helper()
	for range 5 {
		resp, err := h.client.Get(h.srv.URL + path)
		if err != nil {
			h.t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			return resp.StatusCode, path, string(body)
		}
		path = resp.Header.Get("Location")
	}
	h.t.Fatalf("GET %s: too many redirects", path)
	return 0, "", ""
}

// startProcess sets up a process in two rooms with four residents and
// returns its code.
func startProcess(h *harness, facilitator, title string) string {
	h.t.Helper()
	h.say(facilitator, "web:"+facilitator, "/new "+title)
	m := codePattern.FindStringSubmatch(h.said(facilitator, "web:"+facilitator, "De code is").Text.Plain())
	if m == nil {
		h.t.Fatal("no process code in the reply to /new")
	}
	h.say(facilitator, "web:"+facilitator, "/set quorum 50% 1")
	h.say(facilitator, bewoners, "/link "+m[1]+" Bewoners Dorpsstraat")
	h.say(facilitator, welkom, "/link "+m[1]+" Buurtnetwerk Welkom")
	for _, p := range []struct{ as, chat string }{{"wim", bewoners}, {"priya", bewoners}, {"yusuf", welkom}, {"els", welkom}} {
		h.press(p.as, p.chat, "Ik stem in en doe mee")
	}
	return m[1]
}

// row returns the consent matrix's row of a group, as text with single
// spaces.
func matrixRow(t *testing.T, page, group string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr data-group="` + regexp.QuoteMeta(group) + `">(.*?)</tr>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the consent matrix has no row for %s", group)
	}
	return strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], " ")), " ")
}

// The dashboard of a running process: reached by the link /dashboard
// sends, it shows the groups, a round's progress, and the consent matrix;
// its actions close a round, post the summary and start consent through
// the core, as the facilitator.
func TestDashboardShowsAndSteersAProcess(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	code := startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	h.say("ilse", "web:ilse", "/round concerns all")
	h.submit("wim", h.press("wim", bewoners, "Privé antwoorden"), "Het wordt te druk op straat.")
	h.submit("yusuf", h.press("yusuf", welkom, "Anoniem antwoorden"), "Ik durf dit niet hardop te zeggen.")

	link := h.dashboardLink("ilse")
	if got := h.said("ilse", "web:ilse", "dashboard").Text.Plain(); !strings.Contains(got, "alleen voor jou") {
		t.Errorf("the link comes without a word of care:\n%s", got)
	}
	// In the playground the link is a link, to this server, and it opens
	// in a tab of its own: the playground stays.
	if page, a := h.page("ilse", "web:ilse"), `<a href="`+h.srv.URL+link+`" target="_blank" rel="noopener noreferrer">`+h.srv.URL+link+`</a>`; !strings.Contains(page, a) {
		t.Errorf("the playground does not show the link as %s:\n%s", a, page)
	}
	status, path, page := h.openDashboard(link)
	if status != http.StatusOK || path != "/dashboard/p/"+code {
		t.Fatalf("the link led to %s with %d, want /dashboard/p/%s:\n%s", path, status, code, page)
	}
	for _, want := range []string{
		"Speeltuin Dorpsstraat", "<td>Bewoners Dorpsstraat</td><td>speeltuin</td><td class=\"n\">2</td>",
		`aria-label="Bewoners Dorpsstraat: 1 van 2"`, `aria-label="Buurtnetwerk Welkom: 1 van 2"`,
		"Sluit ronde 1",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	if strings.Contains(page, "Ik durf dit niet") || strings.Contains(page, "Het wordt te druk") {
		t.Errorf("the dashboard shows answer texts; it shows counts only")
	}

	// The page's script refreshes only the main part.
	if _, _, part := h.fetch("/dashboard/p/" + code + "?part=main"); strings.Contains(part, "<html") || !strings.Contains(part, "Sluit ronde 1") {
		t.Errorf("the refreshed part is not the main part:\n%.300s", part)
	}

	act := func(vals url.Values) Result {
		t.Helper()
		return h.ok("/dashboard/p/"+code+"/act", vals)
	}
	act(url.Values{"action": {"close"}, "round": {"1"}})
	h.said("ilse", bewoners, "Ronde 1 is gesloten")
	if _, _, page = h.fetch("/dashboard/p/" + code); !strings.Contains(page, "Plaats de samenvatting van ronde 1") {
		t.Errorf("the closed round's summary is not offered:\n%s", page)
	}
	act(url.Values{"action": {"summary"}, "round": {"1"}})
	h.said("wim", bewoners, "Wat er gezegd is in ronde 1")

	h.say("ilse", "web:ilse", "/propose Er komt een klankbordgroep van buren.")
	res := act(url.Values{"action": {"consent"}, "proposal": {"1"}})
	if res.Notice == "" {
		t.Errorf("starting consent from the dashboard says nothing")
	}
	h.press("wim", bewoners, "Ik stem in")
	h.submit("priya", h.press("priya", bewoners, "Ik stem in, met een zorg"), "Wie houdt het bij?")
	h.press("yusuf", welkom, "Ik stem in")

	_, _, page = h.fetch("/dashboard/p/" + code)
	// Groep, instemming, met zorg, bezwaar, nog niet, quorum, uitkomst.
	if got, want := matrixRow(t, page, "Bewoners Dorpsstraat"), "Bewoners Dorpsstraat 1 1 0 0 ✓ 2/1 — instemmingsronde loopt"; got != want {
		t.Errorf("Bewoners' row reads %q, want %q", got, want)
	}
	if got, want := matrixRow(t, page, "Buurtnetwerk Welkom"), "Buurtnetwerk Welkom 1 0 0 1 ✓ 1/1 — instemmingsronde loopt"; got != want {
		t.Errorf("Welkom's row reads %q, want %q", got, want)
	}

	// Representatives confirm once the round is closed from the dashboard.
	for _, rep := range []struct{ as, name, chat string }{{"wim", "Wim", bewoners}, {"els", "Els", welkom}} {
		h.say("ilse", rep.chat, "/rep "+rep.name)
		h.press(rep.as, "web:"+rep.as, "Ik neem het aan")
	}
	h.advance(24 * time.Hour)
	// A day later the session has expired; a new link opens a new one.
	if status, _, _ := h.fetch("/dashboard/p/" + code); status != http.StatusForbidden {
		t.Errorf("a session past its link's time got %d, want 403", status)
	}
	h.openDashboard(h.dashboardLink("ilse"))
	act(url.Values{"action": {"close"}, "round": {"2"}})
	h.press("wim", "web:wim", "Bevestig voor Bewoners Dorpsstraat")
	_, _, page = h.fetch("/dashboard/p/" + code)
	if got, want := matrixRow(t, page, "Bewoners Dorpsstraat"), "Bewoners Dorpsstraat 1 1 0 0 ✓ 2/1 ingestemd bevestigd Wim"; got != want {
		t.Errorf("after Wim confirmed, Bewoners' row reads %q, want %q", got, want)
	}
	h.press("els", "web:els", "Bevestig voor Buurtnetwerk Welkom")
	_, _, page = h.fetch("/dashboard/p/" + code)
	if got, want := matrixRow(t, page, "Buurtnetwerk Welkom"), "Buurtnetwerk Welkom 1 0 0 1 ✓ 1/1 ingestemd bevestigd Els"; got != want {
		t.Errorf("after Els confirmed, Welkom's row reads %q, want %q", got, want)
	}
	if !strings.Contains(page, "plan aangenomen") || !strings.Contains(page, "versie 1 aangenomen") {
		t.Errorf("the dashboard does not show the plan adopted")
	}
	if !strings.Contains(page, "<polyline") {
		t.Errorf("the dashboard has no participation chart")
	}

	// Without the page's token an action is refused and nothing happens.
	status, _ = h.post("/dashboard/p/"+code+"/act", url.Values{"action": {"open"}, "kind": {"concerns"}, "scope": {"all"}}, false)
	if status != http.StatusForbidden {
		t.Errorf("an action without the CSRF token got %d, want 403", status)
	}
	if _, _, page = h.fetch("/dashboard/p/" + code); strings.Contains(page, "Sluit ronde 3") {
		t.Errorf("a round was opened by a request without the token")
	}

	// The record, as Markdown and as a printable page.
	if _, _, md := h.fetch("/dashboard/p/" + code + "/record.md"); !strings.Contains(md, "Speeltuin Dorpsstraat") {
		t.Errorf("the Markdown record lacks the title:\n%.300s", md)
	}
	if _, _, html := h.fetch("/dashboard/p/" + code + "/record.html"); !strings.Contains(html, "klankbordgroep") {
		t.Errorf("the printable record lacks the proposal:\n%.300s", html)
	}
}

// A link past its time, or altered in any part, lets nobody in; nor does
// no link at all.
func TestDashboardRefusesExpiredAndTamperedLinks(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	link := h.dashboardLink("ilse")
	token := strings.TrimPrefix(link, "/dashboard?t=")

	if status, _, page := h.fetch("/dashboard"); status != http.StatusForbidden || !strings.Contains(page, "/dashboard in je privéchat") {
		t.Errorf("no link: %d\n%s", status, page)
	}
	parts := strings.Split(token, ".")
	other := []byte(parts[1])
	other[0] ^= 1
	for name, tampered := range map[string]string{
		"another person":    parts[0] + "." + string(other) + "." + parts[2] + "." + parts[3],
		"a later expiry":    parts[0] + "." + parts[1] + "." + "9999999999" + "." + parts[3],
		"a cut signature":   token[:len(token)-3],
		"no signature":      parts[0] + "." + parts[1] + "." + parts[2],
		"another signature": parts[0] + "." + parts[1] + "." + parts[2] + "." + strings.Repeat("A", len(parts[3])),
	} {
		status, _, page := h.fetch("/dashboard?t=" + url.QueryEscape(tampered))
		if status != http.StatusForbidden || !strings.Contains(page, "Deze link klopt niet") {
			t.Errorf("a link with %s: %d\n%s", name, status, page)
		}
	}

	h.advance(bot.DefaultDashboardTTL + time.Minute)
	status, _, page := h.fetch(link)
	if status != http.StatusForbidden || !strings.Contains(page, "verlopen") {
		t.Errorf("an expired link: %d\n%s", status, page)
	}
}

// A facilitator sees only the processes they facilitate: another's is not
// found, by its address or in the list, and cannot be acted on.
func TestFacilitatorCannotSeeAnothersProcess(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els", "Karin"}, []string{"Bewoners", "Welkom", "Molenwijk", "Haven"})
	mine := startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	h.say("karin", "web:karin", "/new Haven Oost")
	theirs := codePattern.FindStringSubmatch(h.said("karin", "web:karin", "De code is").Text.Plain())[1]
	h.say("karin", "web:molenwijk", "/link "+theirs+" Molenwijk")

	status, path, _ := h.openDashboard(h.dashboardLink("ilse"))
	if status != http.StatusOK || path != "/dashboard/p/"+mine {
		t.Fatalf("Ilse's link led to %s (%d)", path, status)
	}
	// With a second process of her own, /dashboard lists hers only.
	h.say("ilse", "web:ilse", "/new Markt Noord")
	status, _, list := h.fetch("/dashboard")
	if status != http.StatusOK || !strings.Contains(list, "Markt Noord") || !strings.Contains(list, "Speeltuin Dorpsstraat") || strings.Contains(list, "Haven Oost") {
		t.Errorf("Ilse's list of processes (%d):\n%s", status, list)
	}
	status, _, page := h.fetch("/dashboard/p/" + theirs)
	if status != http.StatusNotFound || strings.Contains(page, "Haven Oost") || strings.Contains(page, "Molenwijk") {
		t.Errorf("Ilse opened Karin's process: %d\n%s", status, page)
	}
	for _, path := range []string{"/record.md", "/record.html"} {
		if status, _, page := h.fetch("/dashboard/p/" + theirs + path); status != http.StatusNotFound || strings.Contains(page, "Haven Oost") {
			t.Errorf("Ilse read Karin's record at %s: %d", path, status)
		}
	}
	status, _ = h.post("/dashboard/p/"+theirs+"/act", url.Values{"action": {"open"}, "kind": {"concerns"}, "scope": {"all"}}, true)
	if status != http.StatusNotFound {
		t.Errorf("Ilse acted on Karin's process: %d", status)
	}
	if msgs := h.chat("karin", "web:molenwijk").Messages; strings.Contains(msgs[len(msgs)-1].Text.Plain(), "Ronde 1") {
		t.Errorf("a round opened in Karin's process")
	}

	// A resident is no facilitator: /dashboard gives them no link.
	h.say("wim", "web:wim", "/dashboard")
	if got := h.said("wim", "web:wim", "gespreksleiders").Text.Plain(); strings.Contains(got, "/dashboard?t=") {
		t.Errorf("a resident got a dashboard link: %s", got)
	}
}

// What participants write is text on every page of the dashboard and in
// the record: their names, proposals, objections and answers.
func TestDashboardShowsScriptAsText(t *testing.T) {
	const script = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	code := startProcess(h, "ilse", "Buurt "+script)
	h.say("wim", bewoners, "/name Wim "+script)
	h.say("ilse", "web:ilse", "/round concerns all")
	h.submit("wim", h.press("wim", bewoners, "Privé antwoorden"), "Antwoord "+script)
	h.say("ilse", "web:ilse", "/close 1")
	h.press("ilse", "web:ilse", "Goedkeuren en delen")
	h.say("ilse", "web:ilse", "/propose Voorstel "+script)
	h.say("ilse", "web:ilse", "/consent 1")
	h.submit("priya", h.press("priya", bewoners, "Ik heb een overwegend bezwaar"), "Deel "+script, "Schade "+script, "Nodig "+script, "Merken "+script)

	// A second process of Ilse's, so that /dashboard is the list of both.
	h.say("ilse", "web:ilse", "/new Tweede buurt "+script)
	h.openDashboard(h.dashboardLink("ilse"))
	if _, _, list := h.fetch("/dashboard"); !strings.Contains(list, `<ul class="processes">`) {
		t.Fatalf("/dashboard is not the list of Ilse's two processes:\n%s", list)
	}
	for _, path := range []string{"/dashboard", "/dashboard/p/" + code, "/dashboard/p/" + code + "?part=main", "/dashboard/p/" + code + "/record.html"} {
		_, _, page := h.fetch(path)
		if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") {
			t.Errorf("%s carries the participant's markup as markup", path)
		}
		if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the participant's text escaped", path)
		}
	}
}

// The record prints as PDF where Chromium is installed (in CI it is).
func TestDashboardPrintsThePDF(t *testing.T) {
	if findChromium() == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium: .ci/run installs Debian's chromium; without it the PDF export is untested")
		}
		t.Skip("no Chromium (apt-get install chromium); the PDF export is not tested")
	}
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	code := startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	h.openDashboard(h.dashboardLink("ilse"))
	status, _, pdf := h.fetch("/dashboard/p/" + code + "/record.pdf")
	if status != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("record.pdf: %d, starts %.4000q", status, pdf)
	}
}

// pgName is the name a playground person goes by.
func (h *harness) pgName(id string) string {
	h.t.Helper()
	e, ok := h.pg.person(id)
	if !ok {
		h.t.Fatalf("no person %q in the playground", id)
	}
	return e.Name
}

// A link opens one session, once: fetching it (a link preview does) spends
// nothing, going on spends it, and a second go is refused. Signing out
// ends the session on the server: a copy of its cookie opens nothing. A
// page's CSRF token is its session's: another session's page cannot post.
func TestDashboardLinkOpensOneSessionOnce(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els", "Karin"}, []string{"Bewoners", "Welkom", "Haven"})
	code := startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	link := h.dashboardLink("ilse")
	for range 2 {
		if status, _, page := h.fetch(link); status != http.StatusOK || !strings.Contains(page, "Je opent het dashboard als <b>Ilse</b>") {
			t.Fatalf("the link's page: %d\n%s", status, page)
		}
	}
	if status, path, _ := h.openDashboard(link); status != http.StatusOK || path != "/dashboard/p/"+code {
		t.Fatalf("going on led to %s (%d)", path, status)
	}
	ilse := h.dashCSRF
	if status, _, page := h.openDashboard(link); status != http.StatusForbidden || !strings.Contains(page, "al gebruikt") {
		t.Errorf("the link, used a second time: %d\n%s", status, page)
	}

	// Karin's session, in another browser, and her page's token.
	karin := anotherBrowser(t, h)
	h.say("karin", "web:karin", "/new Haven Oost")
	karinsLink := h.dashboardLink("karin")
	ilsesBrowser := h.client
	h.client = karin
	h.openDashboard(karinsLink)
	h.client = ilsesBrowser
	if h.dashCSRF == "" || h.dashCSRF == ilse {
		t.Fatalf("two sessions have the tokens %q and %q", ilse, h.dashCSRF)
	}
	if status, _ := h.post("/dashboard/p/"+code+"/act", url.Values{"action": {"open"}, "kind": {"concerns"}, "scope": {"all"}}, true); status != http.StatusForbidden {
		t.Errorf("Ilse's session took Karin's page's token: %d", status)
	}
	h.dashCSRF = ilse

	u, _ := url.Parse(h.srv.URL + "/dashboard")
	var session string
	for _, c := range h.client.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			session = c.Value
		}
	}
	if status, _ := h.post("/dashboard/logout", url.Values{}, true); status != http.StatusOK {
		t.Fatalf("signing out: %d", status)
	}
	copied := anotherBrowser(t, h)
	copied.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: session, Path: "/dashboard"}})
	resp, err := copied.Get(h.srv.URL + "/dashboard/p/" + code)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a copy of a signed-out session's cookie got %d, want 403", resp.StatusCode)
	}
}

// anotherBrowser is another browser: its own cookies, with the playground's
// CSRF cookie of the harness's page.
func anotherBrowser(t *testing.T, h *harness) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(h.srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: csrfCookie, Value: h.csrf, Path: "/"}})
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// A summary waiting for approval is on the dashboard as the private
// preview shows it: the anonymous answer without a name.
func TestDashboardShowsTheSummaryBeforeItIsPosted(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	code := startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	h.say("ilse", "web:ilse", "/round concerns all")
	h.submit("wim", h.press("wim", bewoners, "Privé antwoorden"), "Het wordt te druk op straat.")
	const anonymous = "Ik durf dit niet hardop te zeggen."
	h.submit("yusuf", h.press("yusuf", welkom, "Anoniem antwoorden"), anonymous)
	h.say("ilse", "web:ilse", "/close 1")
	h.openDashboard(h.dashboardLink("ilse"))
	_, _, page := h.fetch("/dashboard/p/" + code)
	m := regexp.MustCompile(`(?s)<div class="await" data-summary="1">(.*?)</div>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no summary waiting for round 1:\n%s", page)
	}
	preview := m[1]
	for _, want := range []string{"Wim", "Het wordt te druk op straat.", anonymous, "Plaats de samenvatting van ronde 1"} {
		if !strings.Contains(preview, want) {
			t.Errorf("the summary waiting for approval lacks %q:\n%s", want, preview)
		}
	}
	if strings.Contains(page, "Yusuf") {
		t.Errorf("the dashboard names Yusuf, who answered anonymously:\n%s", preview)
	}
}
