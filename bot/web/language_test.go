package web

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/samen-bot/samen/flows"
)

// The templates name their texts' keys as strings: every one is in every
// catalog (flows' tests check the catalogs against keys.go, not against
// the templates).
func TestTemplatesNameKnownKeys(t *testing.T) {
	cats := flows.Catalogs()
	key := regexp.MustCompile(`\.[TR] "([^"]+)"`)
	for name, tmpl := range map[string]string{"dashboard.html": dashboardHTML, "page.html": pageHTML} {
		found := key.FindAllStringSubmatch(tmpl, -1)
		if len(found) < 20 {
			t.Errorf("%s names only %d texts; is the pattern out of date?", name, len(found))
		}
		for _, m := range found {
			for _, lang := range append(slices.Clone(flows.Languages), "nl-u") {
				if !cats[lang].Has(flows.MsgKey(m[1])) {
					t.Errorf("%s names %q, which catalog %s does not have", name, m[1], lang)
				}
			}
		}
	}
}

// notDutch fails the test for the dashboard's or the playground's own
// Dutch words on a page meant to be in English.
func notDutch(t *testing.T, what, page string, dutch ...string) {
	t.Helper()
	for _, word := range dutch {
		if strings.Contains(page, word) {
			t.Errorf("%s, in English, still says %q", what, word)
		}
	}
}

// contains fails the test for each of want that page lacks.
func contains(t *testing.T, what, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, page)
		}
	}
}

// A facilitator who reads English (/lang en) gets the dashboard in
// English, from the link's page on, while the process and its groups go
// on in Dutch.
func TestDashboardInEnglish(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	code := startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	h.say("ilse", "web:ilse", "/lang en")
	h.say("ilse", "web:ilse", "/propose Er komt een klankbordgroep van buren.")
	h.say("ilse", "web:ilse", "/consent 1")
	h.press("wim", bewoners, "Ik stem in")

	link := h.dashboardLink("ilse")
	status, _, page := h.fetch(link)
	if status != http.StatusOK {
		t.Fatalf("the link's page: %d\n%s", status, page)
	}
	contains(t, "the link's page", page, `<html lang="en">`, "You are opening the dashboard as <b>Ilse</b>", ">Open the dashboard</button>")
	notDutch(t, "the link's page", page, "Je opent", "Open het dashboard", "Sluit dan")

	status, path, page := h.openDashboard(link)
	if status != http.StatusOK || path != "/dashboard/p/"+code {
		t.Fatalf("the link led to %s with %d:\n%s", path, status, page)
	}
	contains(t, "the dashboard", page,
		`<html lang="en">`, "dashboard for facilitators", ">Sign out</button>",
		"<h2>Groups</h2>", "<h2>Open rounds</h2>", "<h2>Proposals and consent</h2>", "<h2>Paramount objections</h2>", "<h2>Timeline</h2>",
		"Close round 1",
		`aria-label="Bewoners Dorpsstraat: 1 of 2"`, "1 of 2 answered",
		"<th>Group</th>", `<th class="n">Consent</th>`, `<th class="n">With a concern</th>`, `<th class="n">Paramount objection</th>`,
		`<th class="n">Not yet</th>`, "<th>Outcome</th>", "<th>Confirmed by</th>",
		"<b>Version 1</b> by Ilse", "consent round open",
		"<h2>Open a round</h2>", "All groups, each in its own chat", ">Open the round</button>", "Printable page",
		`data-text-expired="Your session has expired.`, `data-text-failed="That did not work ({status}).`,
	)
	notDutch(t, "the dashboard", page,
		"gespreksleiders", "Afmelden", "Groepen", "Open rondes", "Sluit ronde", "Voorstellen en instemming", "Met zorg",
		"Overwegend bezwaar", "Overwegende bezwaren", "Nog niet", "Uitkomst", "Bevestigd door", "Tijdlijn", "Deelname",
		"Ronde openen", "Verslag", "Aangemeld", "geantwoord", "van 2", "Versie 1", "instemmingsronde", "sessie", "lukte",
	)

	// A notice of an action is the core's reply, in English too.
	act := func(vals url.Values) Result {
		t.Helper()
		return h.ok("/dashboard/p/"+code+"/act", vals)
	}
	if res := act(url.Values{"action": {"close"}, "round": {"1"}}); !strings.Contains(res.Notice, "round 1 (proposal 1, version 1) is closed") {
		t.Errorf("closing round 1 says %q, want English", res.Notice)
	}
	// A round of a kind of the template: its title in English too.
	act(url.Values{"action": {"open"}, "kind": {"concerns"}, "scope": {"all"}})
	h.submit("wim", h.press("wim", bewoners, "Privé antwoorden"), "Het wordt te druk op straat.")
	_, _, page = h.fetch("/dashboard/p/" + code)
	contains(t, "the dashboard with round 2 open", page, "Round 2 — Sharing concerns and experiences", "Close round 2")
	act(url.Values{"action": {"close"}, "round": {"2"}})
	_, _, page = h.fetch("/dashboard/p/" + code)
	contains(t, "the dashboard after round 2 closed", page, "Round 2 (Sharing concerns and experiences) is closed; the summary is waiting for you.", "Post the summary of round 2")

	// The printable record, and a process that is not hers.
	_, _, record := h.fetch("/dashboard/p/" + code + "/record.html")
	contains(t, "the printable record", record, `<html lang="en">`, "<title>Record — Speeltuin Dorpsstraat</title>", "Record of Speeltuin Dorpsstraat, made ")
	status, _, page = h.fetch("/dashboard/p/NOSUCH")
	if status != http.StatusNotFound {
		t.Errorf("another process: %d", status)
	}
	contains(t, "the page of a process not hers", page, "<h1>Not found</h1>")

	// Signing out, in English; the next visit knows nobody: Dutch.
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/dashboard/logout", strings.NewReader(url.Values{"csrf": {h.dashCSRF}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("signing out: %s", resp.Status)
	}
	contains(t, "signing out", string(body), "<h1>Signed out</h1>", "You are signed out.")
	if _, _, page := h.fetch("/dashboard"); !strings.Contains(page, "Geen toegang") {
		t.Errorf("a visit without a session is not in Dutch:\n%s", page)
	}
}

// A process in the formal register (/set tone u) has its dashboard say
// "u" wherever it addresses the facilitator; its words are otherwise
// Dutch.
func TestDashboardInTheFormalRegister(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	code := startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	h.say("ilse", "web:ilse", "/set tone u")
	h.say("ilse", "web:ilse", "/round concerns all")
	h.submit("wim", h.press("wim", bewoners, "Privé antwoorden"), "Het wordt te druk op straat.")
	h.say("ilse", "web:ilse", "/close 1")

	link := h.dashboardLink("ilse")
	_, _, page := h.fetch(link)
	contains(t, "the link's page", page, `<html lang="nl">`, "U opent het dashboard als <b>Ilse</b>", "daarna blijft u aangemeld", "Bent u dit niet")
	notDutch(t, "the link's page", page, "Je opent", "Ben jij")

	status, path, page := h.openDashboard(link)
	if status != http.StatusOK || path != "/dashboard/p/"+code {
		t.Fatalf("the link led to %s with %d:\n%s", path, status, page)
	}
	contains(t, "the dashboard", page,
		`<html lang="nl">`, "<h2>Groepen</h2>",
		"de samenvatting wacht op u.", "doet u met de knoppen onder deze samenvatting in uw privéchat",
		`data-text-expired="Uw sessie is verlopen. Stuur /dashboard in uw privéchat`,
		"Plaats de samenvatting van ronde 1",
	)
	notDutch(t, "the dashboard", page, "wacht op je", "doe je", "je privéchat", "Je sessie")
}

// The playground speaks the language of the person it shows: English for
// one who chose it (/lang en), Dutch for everyone else.
func TestPlaygroundInEnglish(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	h.say("wim", "web:wim", "/lang en")
	h.say("ilse", "web:ilse", "/round concerns all")
	h.press("wim", bewoners, "Privé antwoorden") // a form, shown to Wim

	page := h.page("wim", bewoners)
	contains(t, "Wim's page", page,
		`<html lang="en">`, `<h2 id="people-label">Who are you</h2>`, `<h2 id="rooms-label">Group chats</h2>`, `<h2 id="private-label">Private with Samen</h2>`,
		`placeholder="New person"`, `placeholder="New group chat"`, `You are <strong id="me">Wim</strong> · group chat`,
		`>reply</button>`, `id="form-send">Send</button>`, `formnovalidate>Cancel</button>`,
		`placeholder="Type a message or a command (/help) and press Enter"`, `id="say-send">Send</button>`,
		`data-text-replying="Reply to: {text}"`,
	)
	notDutch(t, "Wim's page", page, "Wie ben je", "Groepschats", "Privé met Samen", "Nieuwe persoon", "Je bent", "Versturen", "Annuleren", "Stuur<", "Typ een bericht", ">antwoorden<", "Antwoord op")
	contains(t, "Wim's private chat", h.page("wim", "web:wim"), "<title>Private with Samen (Wim) — Samen — playground</title>", "only you and Samen see this chat")

	// What the page tells Wim of an action is in English too.
	status, res := h.post("/say", url.Values{"as": {"wim"}, "chat": {"web:priya"}, "text": {"Hallo"}}, true)
	if status != http.StatusBadRequest || res.Notice != "That is not possible here." {
		t.Errorf("Wim in Priya's private chat: %d %q", status, res.Notice)
	}
	status, res = h.post("/say", url.Values{"as": {"priya"}, "chat": {"web:wim"}, "text": {"Hallo"}}, true)
	if status != http.StatusBadRequest || res.Notice != "Dat kan hier niet." {
		t.Errorf("Priya in Wim's private chat: %d %q", status, res.Notice)
	}

	// Priya chose no language: her page is in Dutch.
	page = h.page("priya", bewoners)
	contains(t, "Priya's page", page, `<html lang="nl">`, `<h2 id="people-label">Wie ben je</h2>`, `id="say-send">Stuur</button>`, `data-text-replying="Antwoord op: {text}"`)
}
