package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startProcess sets up, by typing and clicking in the playground, a
// process in the two rooms with four residents (as startProcess does over
// HTTP), and returns its code.
func (b *browser) startProcess(title string) string {
	b.t.Helper()
	b.open("ilse", "web:ilse")
	b.say("/new " + title)
	m := codePattern.FindStringSubmatch(b.sees("De code is"))
	if m == nil {
		b.fatal("no process code in the reply to /new")
	}
	b.say("/set quorum 50% 1")
	for _, g := range []struct{ chat, name string }{{bewoners, "Bewoners Dorpsstraat"}, {welkom, "Buurtnetwerk Welkom"}} {
		b.open("ilse", g.chat)
		b.say("/link " + m[1] + " " + g.name)
		b.sees("Deze chat is nu de groep " + g.name)
	}
	for _, p := range []struct{ as, name, chat string }{{"wim", "Wim", bewoners}, {"priya", "Priya", bewoners}, {"yusuf", "Yusuf", welkom}, {"els", "Els", welkom}} {
		b.open(p.as, p.chat)
		b.press("Ik stem in en doe mee")
		b.sees(p.name + " doet mee in ")
	}
	return m[1]
}

// dashboard is the dashboard's tab, opened from a link the bot sent.
type dashboard struct {
	*browser
	code string
}

// openDashboard has the facilitator ask for a link in their private chat
// and click it; the dashboard opens in a new tab, on the process's page.
// The tab is marked, so that a reload (which would lose the mark) fails
// the test: the page must keep itself up to date.
func (b *browser) openDashboard(as, code string) *dashboard {
	b.t.Helper()
	b.open(as, "web:"+as)
	b.say("/dashboard")
	link := b.sees("Je dashboard: " + b.h.srv.URL + "/dashboard?t=")
	if !strings.Contains(link, "alleen voor jou") {
		b.t.Errorf("the link comes without a word of care:\n%s", link)
	}
	sel := `(//div[contains(@class,"msg")][contains(@class,"bot")]//a[starts-with(@href,` + xpathString(b.h.srv.URL+"/dashboard?t=") + `)])[last()]`
	attrs, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`(() => {
		const a = document.evaluate(`+"`"+sel+"`"+`, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
		return a ? [a.target, a.rel, a.textContent === a.href ? "same" : a.textContent + " ≠ " + a.href] : [];
	})()`))
	if err != nil || len(attrs) != 3 {
		b.fatal("the link is not a link (%v)", err)
	}
	if attrs[0] != "_blank" || attrs[1] != "noopener noreferrer" || attrs[2] != "same" {
		b.t.Errorf("the link has target %q, rel %q and shows %s; want _blank, noopener noreferrer, and its address", attrs[0], attrs[1], attrs[2])
	}
	tab := b.newTab("click the dashboard link", chromedp.Click(sel), func(url string) bool {
		return strings.HasPrefix(url, b.h.srv.URL+"/dashboard")
	})
	d := &dashboard{browser: tab, code: code}
	// The link's page asks to go on, naming whom the dashboard opens as.
	d.until("the link's page names the facilitator", `(name) => [...document.querySelectorAll("main b")].some((b) => b.textContent === name)`, b.h.pgName(as))
	d.do("go on to the dashboard", chromedp.Click(`//button[normalize-space(.)="Open het dashboard"]`))
	d.until("the dashboard shows the process", `(path) => document.readyState === "complete" && location.pathname === path && !!document.querySelector("#main[data-refresh]")`, "/dashboard/p/"+code)
	if _, err := chromedp.Run(d.ctx, chromedp.Evaluate[bool](`window.samenNotReloaded = true`)); err != nil {
		d.fatal("mark the page: %v", err)
	}
	return d
}

// shows waits until fn(arg) is true on the dashboard, which must not have
// been reloaded meanwhile.
func (d *dashboard) shows(what, fn string, arg any) {
	d.t.Helper()
	d.until(what, fn, arg)
	kept, err := chromedp.Run(d.ctx, chromedp.Evaluate[bool](`window.samenNotReloaded === true`))
	if err != nil || !kept {
		d.fatal("the dashboard was loaded anew to show %s; it must update itself (%v)", what, err)
	}
}

// click clicks the dashboard's button labelled label.
func (d *dashboard) click(label string) {
	d.t.Helper()
	sel := `//button[normalize-space(.)=` + xpathString(label) + `]`
	d.shows("a button "+label, `(label) => [...document.querySelectorAll("button")].some((b) => b.textContent.trim() === label && !b.disabled)`, label)
	d.do("click "+label, chromedp.Click(sel))
}

// row waits until the consent matrix's row of group reads want: its cells'
// texts, with single spaces.
func (d *dashboard) row(group, want string) {
	d.t.Helper()
	d.shows(group+"'s row of the consent matrix reads "+want, `([group, want]) => {
		const row = [...document.querySelectorAll("#consent tr[data-group]")].filter((r) => r.dataset.group === group).pop();
		return !!row && [...row.cells].map((c) => c.textContent.trim()).join(" ").replace(/\s+/g, " ").trim() === want;
	}`, []string{group, want})
}

// The dashboard in Chromium, steered by clicking as a facilitator while
// residents take part in the playground beside it: a round's progress,
// closing it and posting its summary, starting consent, the consent
// matrix filling in as people vote, and the representatives' confirmation
// until the plan is adopted; the page keeps itself up to date without a
// reload. What residents write (a name, a proposal with markup) is text.
func TestBrowserDashboard(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	b := newBrowser(t, h)
	code := b.startProcess("Speeltuin Dorpsstraat")

	// Els takes a name with markup; it is text wherever it shows.
	const els = "<b>Els</b>"
	b.open("els", welkom)
	b.say("/name " + els)
	b.open("els", "web:els")
	b.sees("Anderen zien je nu als " + els)

	// A round; Wim answers through the form, Yusuf anonymously. The clock
	// moves on between the steps, as it would, for the participation
	// chart.
	h.advance(time.Hour)
	b.open("ilse", "web:ilse")
	b.say("/round concerns all")
	b.sees("Ronde 1 (Zorgen en ervaringen delen) is geopend in 2 chats.")
	const wims, yusufs = "Het wordt te druk op straat.", "Ik durf dit niet hardop te zeggen."
	b.open("wim", bewoners)
	b.press("Privé antwoorden")
	b.fill(wims)
	h.advance(2 * time.Hour)
	b.open("yusuf", welkom)
	b.press("Anoniem antwoorden")
	b.fill(yusufs)
	h.advance(time.Hour)

	d := b.openDashboard("ilse", code)
	b.screenshot("playground-dashboard-link.png")
	progress, err := chromedp.Run(d.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#rounds [data-round="1"] progress')].map((p) => p.getAttribute("aria-label") + " = " + p.value + "/" + p.max)`))
	if err != nil {
		d.fatal("read the progress: %v", err)
	}
	if want := []string{"Bewoners Dorpsstraat: 1 van 2 = 1/2", "Buurtnetwerk Welkom: 1 van 2 = 1/2"}; fmt.Sprint(progress) != fmt.Sprint(want) {
		t.Errorf("the progress bars of round 1 read %q, want %q", progress, want)
	}
	text, err := chromedp.Run(d.ctx, chromedp.Text(chromedp.ID("main")))
	if err != nil {
		d.fatal("read the dashboard: %v", err)
	}
	if strings.Contains(text, wims) || strings.Contains(text, yusufs) {
		t.Errorf("the dashboard shows answer texts; it shows counts only")
	}
	d.screenshot("dashboard-round.png")
	// A refresh that finds nothing changed leaves the page alone.
	d.shows("a refresh", `() => Number(document.getElementById("main").dataset.refreshes || 0) >= 1`, nil)
	if updated, err := chromedp.Run(d.ctx, chromedp.Evaluate[bool](`"updated" in document.getElementById("main").dataset`)); err != nil || updated {
		t.Errorf("a refresh that found nothing new replaced the page (%v)", err)
	}

	// Closing the round from the dashboard: the page shows it closed, and
	// offers its summary, without a reload.
	d.click("Sluit ronde 1")
	d.shows("round 1 is closed", `() => !document.querySelector("#rounds [data-round]") && document.getElementById("rounds").textContent.includes("Er is geen ronde open.") &&
		document.getElementById("notice").textContent.includes("Ronde 1")`, nil)
	d.click("Plaats de samenvatting van ronde 1")
	d.shows("the summary is posted", `() => !document.getElementById("rounds").textContent.includes("Plaats de samenvatting")`, nil)
	b.activate()
	for _, chat := range []string{bewoners, welkom} {
		b.open("priya", chat)
		relay := b.sees("Wat er gezegd is in ronde 1")
		for _, want := range []string{"Wim: " + wims, "Een deelnemer: " + yusufs} {
			if !strings.Contains(relay, want) {
				t.Errorf("the relay in %s lacks %q:\n%s", chat, want, relay)
			}
		}
	}

	// A proposal with markup; consent is started from the dashboard.
	const proposal = "Er komt een klankbordgroep van buren. <script>alert(1)</script>"
	b.open("ilse", "web:ilse")
	b.say("/propose " + proposal)
	d.activate()
	d.shows("the proposal, as text", `(text) => {
		const v = document.querySelector('#consent [data-proposal="1"] [data-version="1"]');
		return !!v && v.textContent.includes(text) && document.scripts.length === 1 && !document.querySelector("#main script");
	}`, proposal)
	d.click("Start instemming over voorstel 1")
	d.shows("consent is started, and not offered again", `() => document.getElementById("notice").textContent.includes("voorstel 1") &&
		![...document.querySelectorAll("button")].some((b) => b.textContent.includes("Start instemming"))`, nil)
	d.row("Bewoners Dorpsstraat", "Bewoners Dorpsstraat 0 0 0 2 ✗ 0/1 — instemmingsronde loopt")
	d.row("Buurtnetwerk Welkom", "Buurtnetwerk Welkom 0 0 0 2 ✗ 0/1 — instemmingsronde loopt")

	// The residents vote in the playground; the matrix follows.
	const consent = "Ronde 2 · Instemming met voorstel 1, versie 1"
	b.activate()
	b.open("wim", bewoners)
	b.sees(consent)
	b.press("Ik stem in")
	h.advance(time.Hour)
	b.open("priya", bewoners)
	b.press("Ik stem in, met een zorg")
	b.fill("Wie houdt het bij?")
	h.advance(time.Hour)
	b.open("yusuf", welkom)
	b.press("Ik stem in")
	d.row("Bewoners Dorpsstraat", "Bewoners Dorpsstraat 1 1 0 0 ✓ 2/1 — instemmingsronde loopt")
	d.row("Buurtnetwerk Welkom", "Buurtnetwerk Welkom 1 0 0 1 ✓ 1/1 — instemmingsronde loopt")

	// Representatives: nominated, accepted, and a day later in office.
	// The dashboard's session ends after eight hours: its tab is closed
	// before, and a new link opens a new one.
	for _, rep := range []struct{ as, name, chat string }{{"wim", "Wim", bewoners}, {"els", els, welkom}} {
		b.open("ilse", rep.chat)
		b.say("/rep " + rep.name)
		b.open(rep.as, "web:"+rep.as)
		b.press("Ik neem het aan")
		b.sees("ben je daarna vertegenwoordiger")
	}
	d.close()
	h.advance(24 * time.Hour)
	b.open("els", welkom)
	b.sees(els + " is nu vertegenwoordiger van Buurtnetwerk Welkom.")
	d = b.openDashboard("ilse", code)
	d.shows("the representatives", `(want) => [...document.querySelectorAll("#groups td")].map((c) => c.textContent).join("|").includes(want)`, "|Wim|")
	d.shows("Els as representative, as text", `(want) => [...document.querySelectorAll("#groups td")].some((c) => c.textContent === want && !c.querySelector("b"))`, els)
	d.click("Sluit ronde 2")
	d.row("Bewoners Dorpsstraat", "Bewoners Dorpsstraat 1 1 0 0 ✓ 2/1 ingestemd ingestemd, wacht op bevestiging")
	b.open("wim", "web:wim")
	b.press("Bevestig voor Bewoners Dorpsstraat")
	d.row("Bewoners Dorpsstraat", "Bewoners Dorpsstraat 1 1 0 0 ✓ 2/1 ingestemd bevestigd Wim")
	b.open("els", "web:els")
	b.press("Bevestig voor Buurtnetwerk Welkom")
	d.row("Buurtnetwerk Welkom", "Buurtnetwerk Welkom 1 0 0 1 ✓ 1/1 ingestemd bevestigd "+els)
	d.shows("the plan adopted", `() => {
		const t = document.getElementById("main").textContent;
		return t.includes("plan aangenomen") && t.includes("versie 1 aangenomen") && !document.querySelector("#consent td b");
	}`, nil)
	d.shows("the participation chart", `() => {
		const line = document.querySelector("#participation svg polyline");
		return !!line && line.points.length >= 2;
	}`, nil)
	d.activate()
	d.screenshot("dashboard.png")

	// The printable record, from the dashboard's link.
	record := d.newTab("open the printable record", chromedp.Click(`//a[contains(@href,"/record.html")]`), func(url string) bool {
		return strings.HasSuffix(url, "/dashboard/p/"+code+"/record.html")
	})
	record.until("the record shows the adopted proposal", `(text) => document.readyState === "complete" && document.body.textContent.includes(text) && document.scripts.length === 0`, proposal)
	record.activate()
	record.screenshot("record.png")
}
