package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A round opened from the dashboard is the round /round opens: in every
// group's chat, with the facilitator's question. A question cannot carry
// a second command, and a form the page never makes is refused with
// nothing changed.
func TestDashboardOpensARoundAndRefusesWhatItNeverSends(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	code := startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	h.openDashboard(h.dashboardLink("ilse"))
	path := "/dashboard/p/" + code + "/act"

	const question = "Wat merk je nu al van de plannen?\n/close 1"
	h.ok(path, url.Values{"action": {"open"}, "kind": {"concerns"}, "scope": {"all"}, "prompt": {question}})
	for _, chat := range []string{bewoners, welkom} {
		got := h.said("wim", chat, "Ronde 1").Text.Plain()
		if !strings.Contains(got, "Wat merk je nu al van de plannen? /close 1") {
			t.Errorf("the round in %s does not ask the facilitator's question as one line:\n%s", chat, got)
		}
	}
	_, _, page := h.fetch("/dashboard/p/" + code)
	if !strings.Contains(page, "Sluit ronde 1") {
		t.Fatalf("the round opened from the dashboard is not shown open")
	}

	for name, vals := range map[string]url.Values{
		"an unknown action":     {"action": {"purge"}},
		"a kind with a command": {"action": {"open"}, "kind": {"concerns /close"}, "scope": {"all"}},
		"a round not a number":  {"action": {"close"}, "round": {"1 all"}},
		"no round":              {"action": {"close"}},
		"a proposal of words":   {"action": {"consent"}, "proposal": {"een"}},
		"a summary of no round": {"action": {"summary"}, "round": {""}},
	} {
		if status, _ := h.post(path, vals, true); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, status)
		}
	}
	if _, _, after := h.fetch("/dashboard/p/" + code); !strings.Contains(after, "Sluit ronde 1") {
		t.Errorf("a refused action changed the process: round 1 is no longer open")
	}

	// What the core refuses comes back as its kind explanation.
	res := h.ok(path, url.Values{"action": {"summary"}, "round": {"1"}})
	if !strings.Contains(res.Notice, "Ronde 1") {
		t.Errorf("posting the summary of an open round says %q", res.Notice)
	}
}

// While nothing happens, the part the dashboard refreshes stays the same
// as time passes, so the page is left alone (nothing moves under the
// cursor); when something happens, it changes.
func TestDashboardStaysStillWhileNothingHappens(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})
	code := startProcess(h, "ilse", "Speeltuin Dorpsstraat")
	h.say("ilse", "web:ilse", "/round concerns all")
	h.submit("wim", h.press("wim", bewoners, "Privé antwoorden"), "Het wordt te druk op straat.")
	h.openDashboard(h.dashboardLink("ilse"))
	part := func() string {
		t.Helper()
		status, _, page := h.fetch("/dashboard/p/" + code + "?part=main")
		if status != http.StatusOK {
			t.Fatalf("the refreshed part: %d", status)
		}
		return page
	}
	// The harness's clock stands on the hour, where a step of the chart
	// begins; a minute on, it is inside one.
	h.advance(time.Minute)
	before := part()
	for i := range 5 {
		h.advance(20 * time.Second)
		if after := part(); after != before {
			t.Fatalf("%d s later, with nothing done, the refreshed part changed", 20*(i+1))
		}
	}
	h.submit("priya", h.press("priya", bewoners, "Privé antwoorden"), "Mijn kinderen fietsen hier.")
	if part() == before {
		t.Errorf("Priya answered and the refreshed part stayed the same")
	}
}
