package web

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// DashboardCore is what the dashboard needs of the bot core. Every method
// that takes a process returns bot.ErrNotFacilitator unless the person
// facilitates it.
type DashboardCore interface {
	// VerifyDashboardToken returns whom a link's token lets in, and until
	// when; bot.ErrLinkExpired or bot.ErrLinkInvalid otherwise.
	VerifyDashboardToken(token string) (flows.UserID, time.Time, error)
	// OpenDashboardSession spends a link on a new session (also
	// bot.ErrLinkUsed); DashboardSession finds one (bot.ErrNoSession);
	// CloseDashboardSession signs it out.
	OpenDashboardSession(ctx context.Context, token string) (string, flows.UserID, time.Time, error)
	DashboardSession(ctx context.Context, session string) (flows.UserID, time.Time, error)
	CloseDashboardSession(ctx context.Context, session string) error
	FacilitatorName(ctx context.Context, u flows.UserID) (string, error)
	// DerivedKey is a key for one purpose, derived from the secret.
	DerivedKey(purpose string) []byte
	Facilitating(ctx context.Context, u flows.UserID) ([]*flows.Process, error)
	Overview(ctx context.Context, process string, u flows.UserID) (*bot.ProcessView, error)
	Record(ctx context.Context, process string, u flows.UserID) (*bot.RecordView, error)
	Act(ctx context.Context, key, process string, u flows.UserID, text string, button *flows.Intent) (*bot.Reply, error)
	// PersonalLanguage is the language u chose (/lang), or "".
	PersonalLanguage(ctx context.Context, u flows.UserID) string
	Renderer() *bot.Renderer
}

// DashboardOptions configures a Dashboard; the zero value is usable.
type DashboardOptions struct {
	// Chromium is the browser that prints the record as PDF. Empty: no
	// PDF (the printable page is always there).
	Chromium string
	// SecureCookies marks the session cookie Secure (the public URL is
	// https).
	SecureCookies bool
	// Flush, if set, sends what an action queued before its POST returns
	// (as Options.Flush). Default: the running sender is woken instead.
	Flush  func(ctx context.Context) error
	Logger *slog.Logger
}

// Dashboard is the facilitators' web page: their processes at a glance,
// and the actions they take most (rounds, consent, summaries, the
// record).
type Dashboard struct {
	core   DashboardCore
	opts   DashboardOptions
	logger *slog.Logger

	mu sync.Mutex
	// notices are the results of actions taken without JavaScript, shown
	// once on the next page, by session.
	notices map[string]string
	// printing holds a token while Chromium prints a PDF.
	printing chan struct{}
}

// NewDashboard returns the dashboard for core.
func NewDashboard(core DashboardCore, opts DashboardOptions) *Dashboard {
	d := &Dashboard{core: core, opts: opts, logger: opts.Logger, notices: map[string]string{}, printing: make(chan struct{}, 1)}
	if d.logger == nil {
		d.logger = slog.New(slog.DiscardHandler)
	}
	return d
}

// sessionCookie holds the session a link opened.
const sessionCookie = "samen_dashboard"

// Handler serves /dashboard and everything below it. Cross-origin POSTs
// are refused, and every POST must carry the page's CSRF token.
func (d *Dashboard) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /dashboard", d.home)
	mux.HandleFunc("POST /dashboard/open", d.open)
	mux.HandleFunc("GET /dashboard/app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		_, _ = w.Write([]byte(dashboardJS))
	})
	mux.HandleFunc("GET /dashboard/icon.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		_, _ = w.Write([]byte(iconSVG))
	})
	mux.HandleFunc("GET /dashboard/p/{id}", d.process)
	mux.HandleFunc("GET /dashboard/p/{id}/record.md", d.recordMarkdown)
	mux.HandleFunc("GET /dashboard/p/{id}/record.html", d.recordHTML)
	mux.HandleFunc("GET /dashboard/p/{id}/record.pdf", d.recordPDF)
	mux.HandleFunc("POST /dashboard/p/{id}/act", d.act)
	mux.HandleFunc("POST /dashboard/logout", d.logout)
	return http.NewCrossOriginProtection().Handler(securityHeaders(mux))
}

// securityHeaders sets what every dashboard response carries: no framing,
// no referrer (the first address holds the link's token), no caching.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// process serves GET /dashboard/p/{id} (with part=main, only the part the
// page's script refreshes).
func (d *Dashboard) process(w http.ResponseWriter, r *http.Request) {
	s, err := d.session(r)
	if err != nil {
		d.refuse(w, r, "", err)
		return
	}
	view, err := d.core.Overview(r.Context(), r.PathValue("id"), s.user)
	if err != nil {
		d.fail(w, r, d.personLang(r.Context(), s.user), err)
		return
	}
	data := viewOf(processData{
		words: newWords(d.core.Renderer(), view.Lang),
		CSRF:  s.csrf, Until: s.until, View: view, Notice: d.takeNotice(s.id), Nonce: newKey(),
		Chart: participationChart(view.Participation, view.Location),
		PDF:   d.opts.Chromium != "",
	}, d.core.Renderer())
	// The part the script refreshes is rendered first: its digest tells
	// the script whether anything changed, so that an unchanged page is
	// left alone (nothing moves under the cursor).
	var part bytes.Buffer
	if err := dashboardTemplate.ExecuteTemplate(&part, "main", data); err != nil {
		d.fail(w, r, view.Lang, err)
		return
	}
	sum := sha256.Sum256(part.Bytes())
	data.Version = hex.EncodeToString(sum[:8])
	if r.FormValue("part") == "main" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Dashboard-Version", data.Version)
		_, _ = w.Write(part.Bytes())
		return
	}
	d.render(w, r, "process", data)
}

// act serves POST /dashboard/p/{id}/act: one of the facilitator's actions,
// done through the bot core as if typed in their private chat.
func (d *Dashboard) act(w http.ResponseWriter, r *http.Request) {
	s, ok := d.posted(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	text, button, ok := actionCommand(r)
	if !ok {
		http.Error(w, "unknown action", http.StatusBadRequest)
		return
	}
	reply, err := d.core.Act(r.Context(), actionKey(s.user, id, r), id, s.user, text, button)
	if err != nil {
		d.fail(w, r, d.personLang(r.Context(), s.user), err)
		return
	}
	if d.opts.Flush != nil {
		if err := d.opts.Flush(r.Context()); err != nil {
			d.logger.WarnContext(r.Context(), "dashboard: flush the outbox failed", "err", err)
		}
	}
	notice := ""
	if reply != nil {
		notice = reply.Text.Plain()
	}
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSON(w, http.StatusOK, Result{Notice: notice})
		return
	}
	d.setNotice(s.id, notice)
	http.Redirect(w, r, "/dashboard/p/"+id, http.StatusSeeOther)
}

// actionCommand turns an action's form into the command or button the
// core takes.
func actionCommand(r *http.Request) (string, *flows.Intent, bool) {
	clean := func(name string) string { return strings.Join(strings.Fields(r.PostFormValue(name)), " ") }
	// number is a round or proposal number: digits only, at most five.
	number := func(name string) (int, bool) {
		v := clean(name)
		n, err := strconv.Atoi(v)
		return n, err == nil && v[0] != '+' && v[0] != '-' && len(v) < 6
	}
	switch r.PostFormValue("action") {
	case "open":
		kind, scope := clean("kind"), clean("scope")
		if kind == "" || strings.ContainsAny(kind, " /") {
			return "", nil, false
		}
		if scope != "all" && scope != "joint" {
			scope = "all"
		}
		return strings.TrimSpace("/round " + kind + " " + scope + " " + clean("prompt")), nil, true
	case "close":
		n, ok := number("round")
		return "/close " + strconv.Itoa(n), nil, ok
	case "consent":
		n, ok := number("proposal")
		return "/consent " + strconv.Itoa(n), nil, ok
	case "summary":
		n, ok := number("round")
		return "", &flows.Intent{Do: flows.DoApprove, N: n}, ok
	}
	return "", nil, false
}

// actionKey makes an action idempotent: the same form (its fields and
// the nonce it was rendered with) sent twice by the same person acts once;
// anything else is a new action. The key is the server's, never the
// client's.
func actionKey(u flows.UserID, process string, r *http.Request) string {
	h := sha256.New()
	for _, part := range []string{string(u), process, r.PostFormValue("nonce"), r.PostFormValue("action"),
		r.PostFormValue("kind"), r.PostFormValue("scope"), r.PostFormValue("prompt"), r.PostFormValue("round"), r.PostFormValue("proposal")} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func newKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (d *Dashboard) setNotice(session, notice string) {
	if session == "" || notice == "" {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.notices) > 1000 {
		clear(d.notices) // a notice is a courtesy; memory is not spent on it
	}
	d.notices[session] = notice
}

func (d *Dashboard) takeNotice(session string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := d.notices[session]
	delete(d.notices, session)
	return n
}

// refuse answers a request without a valid link or session, in lang
// (the person's, if the request tells who it is; else "").
func (d *Dashboard) refuse(w http.ResponseWriter, r *http.Request, lang string, err error) {
	text := flows.WebDashboardLinkInvalid
	switch {
	case errors.Is(err, bot.ErrLinkExpired):
		text = flows.WebDashboardLinkExpired
	case errors.Is(err, bot.ErrLinkUsed):
		text = flows.WebDashboardLinkUsed
	case errors.Is(err, bot.ErrNoSession):
		text = flows.WebDashboardNoSession
	}
	d.message(w, r, http.StatusForbidden, lang, flows.WebDashboardNoAccess, text)
}

// fail answers an error of the core, in lang: a process that is not the
// person's is not found (whether it exists is not told); anything else is
// logged.
func (d *Dashboard) fail(w http.ResponseWriter, r *http.Request, lang string, err error) {
	if errors.Is(err, bot.ErrNotFacilitator) {
		d.message(w, r, http.StatusNotFound, lang, flows.WebDashboardNotFoundTitle, flows.WebDashboardNotFound)
		return
	}
	d.logger.ErrorContext(r.Context(), "dashboard: request failed", "path", r.URL.Path, "err", err)
	d.message(w, r, http.StatusInternalServerError, lang, flows.WebDashboardErrorTitle, flows.WebDashboardError)
}

// message answers with a page of a title and a text, in lang.
func (d *Dashboard) message(w http.ResponseWriter, r *http.Request, status int, lang string, title, text flows.MsgKey) {
	say := newWords(d.core.Renderer(), lang)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	d.render(w, r, "message", messageData{words: say, Title: say.text(title), Text: say.text(text)})
}

// personLang is the language of a page for u that shows no process of
// theirs: their own (/lang), else that of the newest process they
// facilitate (in the register it speaks: nl-u for the formal one), else
// Dutch. A page of a process is in the view's language instead.
func (d *Dashboard) personLang(ctx context.Context, u flows.UserID) string {
	processes, _ := d.core.Facilitating(ctx, u)
	return langOf(d.core.PersonalLanguage(ctx, u), processes)
}

// langOf is personLang for someone whose language is personal and who
// facilitates processes (newest first).
func langOf(personal string, processes []*flows.Process) string {
	locale := ""
	if len(processes) > 0 {
		locale = processes[0].Locale()
	}
	return cmp.Or(flows.PersonalLocale(personal, locale), flows.DefaultLanguage)
}

// tokenLang is the language of a page for whoever a link's token names
// (personLang), or "" if it names nobody (it is not the bot's, or it has
// expired).
func (d *Dashboard) tokenLang(ctx context.Context, token string) string {
	u, _, err := d.core.VerifyDashboardToken(token)
	if err != nil {
		return ""
	}
	return d.personLang(ctx, u)
}

func (d *Dashboard) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := dashboardTemplate.ExecuteTemplate(w, name, data); err != nil {
		d.logger.ErrorContext(r.Context(), "dashboard: render failed", "template", name, "err", err)
	}
}
