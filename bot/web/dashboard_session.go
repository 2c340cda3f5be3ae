package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// A link from /dashboard opens a page that asks to go on, as whom; going
// on (a POST from that page) spends the link on a session. So a link
// preview or scanner that fetches the link spends nothing, and a link
// from someone else cannot swap a facilitator's session unseen. The
// session's CSRF token is derived from it: a page of one session cannot
// post for another.

// dashSession is the session a request carries.
type dashSession struct {
	id    string
	user  flows.UserID
	until time.Time
	csrf  string
}

// session returns the request's session: bot.ErrNoSession if it has none.
func (d *Dashboard) session(r *http.Request) (dashSession, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return dashSession{}, bot.ErrNoSession
	}
	u, until, err := d.core.DashboardSession(r.Context(), c.Value)
	if err != nil {
		return dashSession{}, err
	}
	return dashSession{id: c.Value, user: u, until: until, csrf: d.csrfOf(c.Value)}, nil
}

// csrfOf is the CSRF token of a session's pages.
func (d *Dashboard) csrfOf(session string) string {
	m := hmac.New(sha256.New, d.core.DerivedKey("dashboard csrf v1"))
	m.Write([]byte(session))
	return hex.EncodeToString(m.Sum(nil)[:24])
}

// posted checks a POST of a session: its form parses, it has a session,
// and it repeats the session's CSRF token. Otherwise it has answered.
func (d *Dashboard) posted(w http.ResponseWriter, r *http.Request) (dashSession, bool) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return dashSession{}, false
	}
	s, err := d.session(r)
	if err != nil {
		d.refuse(w, r, "", err)
		return dashSession{}, false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) != 1 {
		say := newWords(d.core.Renderer(), d.personLang(r.Context(), s.user))
		http.Error(w, say.text(flows.WebPageExpired), http.StatusForbidden)
		return dashSession{}, false
	}
	return s, true
}

// openData is the page a link opens.
type openData struct {
	words
	// CSRF is empty: the page belongs to no session yet. FormToken is the
	// token its one form repeats.
	CSRF, FormToken, Token, Name string
	Until                        time.Time
}

func (d openData) PageTitle() string { return d.text(flows.WebDashboardOpenTitle) }

// home serves GET /dashboard: with a link's ?t=, the page that asks to go
// on; otherwise the person's processes (the process itself, when there is
// one).
func (d *Dashboard) home(w http.ResponseWriter, r *http.Request) {
	if t := r.URL.Query().Get("t"); t != "" {
		u, until, err := d.core.VerifyDashboardToken(t)
		if err != nil {
			d.refuse(w, r, "", err)
			return
		}
		lang := d.personLang(r.Context(), u)
		name, err := d.core.FacilitatorName(r.Context(), u)
		if err != nil {
			d.fail(w, r, lang, err)
			return
		}
		d.render(w, r, "open", openData{words: newWords(d.core.Renderer(), lang), FormToken: token(w, r), Token: t, Name: name, Until: until})
		return
	}
	s, err := d.session(r)
	if err != nil {
		d.refuse(w, r, "", err)
		return
	}
	processes, err := d.core.Facilitating(r.Context(), s.user)
	if err != nil {
		d.fail(w, r, d.core.PersonalLanguage(r.Context(), s.user), err)
		return
	}
	if len(processes) == 1 {
		http.Redirect(w, r, "/dashboard/p/"+processes[0].ID, http.StatusSeeOther)
		return
	}
	lang := langOf(d.core.PersonalLanguage(r.Context(), s.user), processes)
	data := listData{words: newWords(d.core.Renderer(), lang), CSRF: s.csrf, Until: s.until}
	for _, p := range processes {
		data.Processes = append(data.Processes, listEntry{ID: p.ID, Title: p.Title, Created: p.Created})
	}
	d.render(w, r, "list", data)
}

// open serves POST /dashboard/open: the link is spent on a new session.
// Before a session exists, the page's token is the one the playground's
// pages use (a cookie it repeats).
func (d *Dashboard) open(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !validToken(r) {
		say := newWords(d.core.Renderer(), d.tokenLang(r.Context(), r.PostFormValue("t")))
		http.Error(w, say.text(flows.WebDashboardLinkPageExpired), http.StatusForbidden)
		return
	}
	session, _, _, err := d.core.OpenDashboardSession(r.Context(), r.PostFormValue("t"))
	if err != nil {
		// A link used before still names its person until it expires.
		lang := d.tokenLang(r.Context(), r.PostFormValue("t"))
		if errors.Is(err, bot.ErrLinkInvalid) || errors.Is(err, bot.ErrLinkExpired) || errors.Is(err, bot.ErrLinkUsed) {
			d.refuse(w, r, lang, err)
		} else {
			d.fail(w, r, lang, err)
		}
		return
	}
	// A browser session cookie; the server ends the session at the link's
	// expiry, or when the person signs out.
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: session, Path: "/dashboard",
		HttpOnly: true, Secure: d.opts.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

// logout serves POST /dashboard/logout: the session ends on the server,
// so a copy of its cookie opens nothing either.
func (d *Dashboard) logout(w http.ResponseWriter, r *http.Request) {
	s, ok := d.posted(w, r)
	if !ok {
		return
	}
	lang := d.personLang(r.Context(), s.user)
	if err := d.core.CloseDashboardSession(r.Context(), s.id); err != nil {
		d.fail(w, r, lang, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/dashboard", MaxAge: -1, HttpOnly: true, Secure: d.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
	d.message(w, r, http.StatusOK, lang, flows.WebDashboardSignedOutTitle, flows.WebDashboardSignedOut)
}
