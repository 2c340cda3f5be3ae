package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	bewoners = "web:bewoners"
	welkom   = "web:welkom"
)

var codePattern = regexp.MustCompile(`De code is ([A-Z0-9]{6})`)

// A short process carried out entirely over HTTP, as four residents in two
// groups and their facilitator: set-up, joining, a round answered through
// forms (one anonymous, one by replying to the round's message), the
// summary approved and relayed, representatives nominated and accepted, a
// proposal consented to by buttons and confirmed, adopted in both rooms.
func TestWholeProcessInThePlayground(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim", "Priya", "Yusuf", "Els"}, []string{"Bewoners", "Welkom"})

	h.say("ilse", "web:ilse", "/new Speeltuin Dorpsstraat")
	m := codePattern.FindStringSubmatch(h.said("ilse", "web:ilse", "De code is").Text.Plain())
	if m == nil {
		t.Fatal("no process code in the reply to /new")
	}
	code := m[1]
	h.say("ilse", "web:ilse", "/set quorum 50% 1")
	h.say("ilse", bewoners, "/link "+code+" Bewoners Dorpsstraat")
	h.said("ilse", bewoners, "Deze chat is nu de groep Bewoners Dorpsstraat")
	h.say("ilse", welkom, "/link "+code+" Buurtnetwerk Welkom")

	join := func(as, name, chat, group string) {
		t.Helper()
		h.press(as, chat, "Ik stem in en doe mee")
		h.said(as, "web:"+as, "Welkom, "+name+"!")
		h.said(as, chat, name+" doet mee in "+group+". Welkom!")
	}
	join("wim", "Wim", bewoners, "Bewoners Dorpsstraat")
	join("priya", "Priya", bewoners, "Bewoners Dorpsstraat")
	join("yusuf", "Yusuf", welkom, "Buurtnetwerk Welkom")
	join("els", "Els", welkom, "Buurtnetwerk Welkom")

	// Representatives, nominated by name; each accepts in their private chat.
	nominate := func(as, name, chat, group string) {
		t.Helper()
		h.say("ilse", chat, "/rep "+name)
		h.said(as, chat, "De gespreksleider stelt "+name+" voor als vertegenwoordiger van "+group+".")
		h.said(as, "web:"+as, "Neem je het aan?")
		h.press(as, "web:"+as, "Ik neem het aan")
		h.said(as, "web:"+as, "ben je daarna vertegenwoordiger")
	}
	nominate("wim", "Wim", bewoners, "Bewoners Dorpsstraat")
	nominate("els", "Els", welkom, "Buurtnetwerk Welkom")

	// A round in both rooms, answered through the page's forms.
	h.say("ilse", "web:ilse", "/round concerns all")
	h.said("ilse", "web:ilse", "Ronde 1 (Zorgen en ervaringen delen) is geopend in 2 chats.")
	const concerns = "Ronde 1 · Zorgen en ervaringen delen"
	round := h.said("wim", bewoners, concerns)
	h.said("yusuf", welkom, concerns)

	const script = "Ik woon hier. <script>alert(1)</script>"
	f := h.press("wim", bewoners, "Privé antwoorden")
	if f.Form == nil || !strings.Contains(f.Form.Form.Title, "Ronde") {
		t.Fatalf("\"Privé antwoorden\" gave %+v, want the round's form", f)
	}
	if form := h.chat("wim", "web:wim").Form; form == nil || form.Data != f.Form.Data {
		t.Errorf("the page does not show Wim the form he was given")
	}
	h.submit("wim", f, script)
	if h.chat("wim", "web:wim").Form != nil {
		t.Errorf("the form is still shown after it was sent")
	}
	h.said("wim", "web:wim", "ontvangen")
	h.replyTo("priya", bewoners, round.ID, "Mijn kinderen fietsen hier langs.")
	h.said("priya", "web:priya", "je antwoord in ronde 1 (Zorgen en ervaringen delen) is ontvangen")
	if got := h.said("wim", bewoners, concerns).Text.Plain(); !strings.Contains(got, "2 van 2 hebben geantwoord") {
		t.Errorf("the round's progress in Bewoners reads:\n%s", got)
	}

	const anonymous = "Ik ben bang dat het uit de hand loopt."
	f = h.press("yusuf", welkom, "Anoniem antwoorden")
	h.submit("yusuf", f, anonymous)
	h.said("yusuf", "web:yusuf", "anoniem opgeslagen")
	h.submit("els", h.press("els", welkom, "Privé antwoorden"), "Ik wil de nieuwe buren leren kennen.")

	h.say("ilse", "web:ilse", "/close 1")
	summary := h.said("ilse", "web:ilse", "Samenvatting ronde 1")
	if !strings.Contains(summary.Text.Plain(), "Een deelnemer: "+anonymous) {
		t.Errorf("the summary lacks the anonymous answer:\n%s", summary.Text.Plain())
	}
	h.press("ilse", "web:ilse", "Goedkeuren en delen")
	for _, chat := range []string{bewoners, welkom} {
		relay := h.said("ilse", chat, "Wat er gezegd is in ronde 1").Text.Plain()
		for _, want := range []string{"Wim: " + script, "Priya: Mijn kinderen", "Een deelnemer: " + anonymous, "Els: Ik wil"} {
			if !strings.Contains(relay, want) {
				t.Errorf("the relay in %s lacks %q:\n%s", chat, want, relay)
			}
		}
	}
	for _, as := range []string{"ilse", "wim", "priya", "yusuf", "els"} {
		for _, chat := range []string{bewoners, welkom, "web:" + as} {
			for _, msg := range h.chat(as, chat).Messages {
				if text := msg.Text.Plain(); strings.Contains(text, anonymous) && strings.Contains(text, "Yusuf") {
					t.Errorf("%s shows the anonymous answer beside Yusuf's name:\n%s", chat, text)
				}
			}
		}
	}

	// The nomination windows pass.
	h.advance(24 * time.Hour)
	h.said("wim", bewoners, "Wim is nu vertegenwoordiger van Bewoners Dorpsstraat.")
	h.said("els", welkom, "Els is nu vertegenwoordiger van Buurtnetwerk Welkom.")

	// A proposal, consent by buttons, confirmation by the representatives.
	const proposal = "Er komt een klankbordgroep van buren die elke maand bijeenkomt."
	h.say("ilse", "web:ilse", "/propose "+proposal)
	h.said("wim", bewoners, proposal)
	h.say("ilse", "web:ilse", "/consent 1")
	const consent = "Ronde 2 · Instemming met voorstel 1, versie 1"
	for _, v := range []struct{ as, chat string }{{"wim", bewoners}, {"priya", bewoners}, {"yusuf", welkom}, {"els", welkom}} {
		h.said(v.as, v.chat, consent)
		h.press(v.as, v.chat, "Ik stem in")
		h.said(v.as, "web:"+v.as, "Genoteerd: Ik stem in.")
	}
	h.say("ilse", "web:ilse", "/close 2")
	h.said("wim", bewoners, "Uitkomst: ingestemd.")
	h.press("wim", "web:wim", "Bevestig voor Bewoners Dorpsstraat")
	h.press("els", "web:els", "Bevestig voor Buurtnetwerk Welkom")
	for _, chat := range []string{bewoners, welkom} {
		h.said("priya", chat, "Voorstel 1 (versie 1) is aangenomen.")
	}
	h.say("priya", bewoners, "/plan")
	h.said("priya", bewoners, proposal)

	// The participant's <script> is text on the page, in every room it
	// reached, and in the script-refreshed part.
	for _, chat := range []string{bewoners, welkom} {
		page := h.page("yusuf", chat) + h.get("/?"+url.Values{"as": {"yusuf"}, "chat": {chat}, "part": {"main"}}.Encode())
		if strings.Contains(page, "<script>alert(1)") {
			t.Errorf("the page of %s carries the answer's <script> as markup", chat)
		}
		if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("the page of %s does not show the answer's <script> as text", chat)
		}
	}
}

// A button the bot did not sign — made up, or a real one altered — is
// refused with a kind notice and changes nothing anywhere.
func TestForgedButtonIsRefused(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim"}, []string{"Bewoners"})
	h.say("ilse", "web:ilse", "/new Speeltuin")
	code := codePattern.FindStringSubmatch(h.said("ilse", "web:ilse", "De code is").Text.Plain())[1]
	h.say("ilse", bewoners, "/link "+code+" Bewoners")
	real := h.button("wim", bewoners, "Ik stem in en doe mee")
	body, sig, _ := strings.Cut(real, "~")
	before := map[string]int{}
	for _, c := range []string{bewoners, "web:wim", "web:ilse"} {
		as := strings.TrimPrefix(c, "web:")
		if c == bewoners {
			as = "wim"
		}
		before[c] = h.chat(as, c).Version
	}
	for _, data := range []string{
		"join|" + code + "|0||~AAAAAAAAAAA",
		strings.Replace(body, code, "ZZZZZZ", 1) + "~" + sig,
		body,
		"",
	} {
		status, res := h.post("/press", url.Values{"as": {"wim"}, "chat": {bewoners}, "data": {data}}, true)
		if status != http.StatusBadRequest || !strings.Contains(res.Notice, "Deze knop werkt niet meer") {
			t.Errorf("forged data %q: status %d, notice %q; want 400 and the kind notice", data, status, res.Notice)
		}
	}
	status, res := h.post("/submit", url.Values{"as": {"wim"}, "chat": {"web:wim"}, "data": {"form|" + code + "|0||x~AAAAAAAAAAA"}, "field": {"hallo"}}, true)
	if status != http.StatusBadRequest || res.Notice == "" {
		t.Errorf("a forged form: status %d, notice %q", status, res.Notice)
	}
	for c, v := range before {
		as := strings.TrimPrefix(c, "web:")
		if c == bewoners {
			as = "wim"
		}
		if got := h.chat(as, c).Version; got != v {
			t.Errorf("%s changed after forged buttons:\n%s", c, h.transcript(as, c))
		}
	}
	if strings.Contains(h.transcript("wim", bewoners), "Wim doet mee") {
		t.Error("a forged button made Wim join")
	}
	// The real button still works.
	h.press("wim", bewoners, "Ik stem in en doe mee")
	h.said("wim", bewoners, "Wim doet mee in Bewoners. Welkom!")
}

// Every POST needs the page's token, and a cross-origin one is refused
// even with it.
func TestPostsNeedTheCSRFToken(t *testing.T) {
	h := newHarness(t, []string{"Ilse"}, []string{"Bewoners"})
	say := url.Values{"as": {"ilse"}, "chat": {"web:ilse"}, "text": {"/new Speeltuin"}}
	if status, _ := h.post("/say", say, false); status != http.StatusForbidden {
		t.Errorf("a POST without the token: status %d, want 403", status)
	}
	bad := url.Values{"as": {"ilse"}, "chat": {"web:ilse"}, "text": {"/new Speeltuin"}, "csrf": {strings.Repeat("0", len(h.csrf))}}
	if status, _ := h.post("/say", bad, false); status != http.StatusForbidden {
		t.Errorf("a POST with a wrong token: status %d, want 403", status)
	}
	if status, _ := h.post("/say", say, true, "Sec-Fetch-Site", "cross-site"); status != http.StatusForbidden {
		t.Errorf("a cross-site POST with the token: status %d, want 403", status)
	}
	if status, _ := h.post("/person", url.Values{"name": {"Mallory"}}, false); status != http.StatusForbidden {
		t.Errorf("adding a person without the token: status %d, want 403", status)
	}
	if v := h.chat("ilse", "web:ilse"); len(v.Messages) != 0 {
		t.Errorf("refused POSTs reached the bot:\n%s", h.transcript("ilse", "web:ilse"))
	}
	if _, ok := h.pg.person("mallory"); ok {
		t.Error("a refused POST added a person")
	}
	// With the token in the form, as a page without script sends it: the
	// action is done and the browser goes back to the page.
	with := url.Values{"as": {"ilse"}, "chat": {"web:ilse"}, "text": {"/new Speeltuin"}, "csrf": {h.csrf}}
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/say", strings.NewReader(with.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a plain form POST: status %s, want 303", resp.Status)
	}
	h.said("ilse", "web:ilse", "De code is")
}

// A person reads the rooms and their own private chat only.
func TestPrivateChatsAreTheirOwn(t *testing.T) {
	h := newHarness(t, []string{"Ilse", "Wim"}, []string{"Bewoners"})
	h.say("ilse", "web:ilse", "/help")
	resp, err := h.client.Get(h.srv.URL + "/chat?as=wim&chat=web:ilse")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("Wim reading Ilse's private chat: %s, want 404", resp.Status)
	}
	if status, _ := h.post("/say", url.Values{"as": {"wim"}, "chat": {"web:ilse"}, "text": {"/help"}}, true); status != http.StatusBadRequest {
		t.Errorf("Wim typing in Ilse's private chat: status %d, want 400", status)
	}
	if strings.Contains(h.page("wim", "web:ilse"), "Privé met Samen (Ilse)</h1>") {
		t.Error("the page shows Wim Ilse's private chat")
	}
}
