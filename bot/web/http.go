package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// csrfCookie holds the page's CSRF token; every POST repeats it in the
// form field "csrf" or the header X-CSRF-Token.
const csrfCookie = "samen_csrf"

// Handler serves the page and its actions. Cross-origin POSTs are refused
// (http.CrossOriginProtection), and every POST must carry the CSRF token
// of the page's cookie.
func (p *Playground) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", p.page)
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		_, _ = w.Write([]byte(appJS))
	})
	mux.HandleFunc("GET /icon.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "max-age=86400")
		_, _ = w.Write([]byte(iconSVG))
	})
	mux.HandleFunc("GET /chat", p.chatJSON)
	mux.HandleFunc("GET /file", p.file)
	mux.HandleFunc("POST /say", p.post(func(r *http.Request) (Result, error) {
		return p.Say(r.Context(), r.PostFormValue("as"), r.PostFormValue("chat"), r.PostFormValue("text"), r.PostFormValue("reply"))
	}))
	mux.HandleFunc("POST /press", p.post(func(r *http.Request) (Result, error) {
		return p.Press(r.Context(), r.PostFormValue("as"), r.PostFormValue("chat"), r.PostFormValue("data"))
	}))
	mux.HandleFunc("POST /submit", p.post(func(r *http.Request) (Result, error) {
		return p.Submit(r.Context(), r.PostFormValue("as"), r.PostFormValue("chat"), r.PostFormValue("data"), r.PostForm["field"])
	}))
	mux.HandleFunc("POST /dismiss", p.post(func(r *http.Request) (Result, error) {
		p.Dismiss(r.PostFormValue("as"))
		return Result{}, nil
	}))
	mux.HandleFunc("POST /person", p.post(func(r *http.Request) (Result, error) {
		_, err := p.Add(r.Context(), kindPerson, r.PostFormValue("name"))
		return Result{}, err
	}))
	mux.HandleFunc("POST /room", p.post(func(r *http.Request) (Result, error) {
		_, err := p.Add(r.Context(), kindRoom, r.PostFormValue("name"))
		return Result{}, err
	}))
	return http.NewCrossOriginProtection().Handler(mux)
}

// post wraps an action: it checks the CSRF token, runs the action and
// answers with JSON (fetch) or by going back to the page (a plain form).
func (p *Playground) post(action func(r *http.Request) (Result, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		// What the page says is in the language of the person acting.
		say := p.words(r.Context(), r.PostFormValue("as"))
		if !validToken(r) {
			http.Error(w, say.text(flows.WebPageExpired), http.StatusForbidden)
			return
		}
		// An action, once taken, is carried out whole: the browser leaving
		// the page mid-request (a click on another chat) must not cancel
		// the bot's work halfway, after the person's message was shown.
		res, err := action(r.WithContext(context.WithoutCancel(r.Context())))
		status := http.StatusOK
		switch {
		case errors.Is(err, errForged):
			status = http.StatusBadRequest
		case errors.Is(err, errRefused):
			status, res.Notice = http.StatusBadRequest, say.text(flows.WebPlaygroundRefused)
		case errors.Is(err, errBadName):
			status, res.Notice = http.StatusBadRequest, say.text(flows.WebPlaygroundNameLength)
		case err != nil:
			p.logger.ErrorContext(r.Context(), "web: action failed", "path", r.URL.Path, "err", err)
			status = http.StatusInternalServerError
			if res.Notice == "" {
				res.Notice = say.text(flows.ErrInternal)
			}
		}
		if !strings.Contains(r.Header.Get("Accept"), "application/json") {
			q := url.Values{"as": {r.PostFormValue("as")}, "chat": {r.PostFormValue("chat")}}
			http.Redirect(w, r, "/?"+q.Encode(), http.StatusSeeOther)
			return
		}
		writeJSON(w, status, res)
	}
}

// validToken reports whether a POST repeats its cookie's token.
func validToken(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(c.Value)) == 1
}

// token returns the request's CSRF token, setting a new cookie if it has
// none.
func token(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	t := hex.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: t, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return t
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// visible checks that as may read chat: any room, and their own private
// chat only.
func (p *Playground) visible(as, chat string) bool {
	_, _, err := p.place(as, chat)
	return err == nil
}

// chatJSON answers GET /chat?as=&chat=: the chat's messages, its version
// (for polling) and the form shown to as.
func (p *Playground) chatJSON(w http.ResponseWriter, r *http.Request) {
	as, chat := r.FormValue("as"), r.FormValue("chat")
	if !p.visible(as, chat) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown person or chat"})
		return
	}
	msgs, version := p.Messages(chat)
	writeJSON(w, http.StatusOK, struct {
		Version  int          `json:"version"`
		Messages []Message    `json:"messages"`
		Form     *pendingForm `json:"form,omitempty"`
	}{version, msgs, p.Form(as)})
}

// file serves a message's attachment (the record of /export).
func (p *Playground) file(w http.ResponseWriter, r *http.Request) {
	as, chat, id := r.FormValue("as"), r.FormValue("chat"), r.FormValue("id")
	if !p.visible(as, chat) {
		http.NotFound(w, r)
		return
	}
	p.mu.Lock()
	m := p.find(chat, id)
	p.mu.Unlock()
	if m == nil || m.File == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", m.File.Type)
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.Map(safeFileRune, m.File.Name)+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(m.File.Data)
}

func safeFileRune(r rune) rune {
	if r == '"' || r == '\\' || r < ' ' {
		return '_'
	}
	return r
}

//go:embed page.html
var pageHTML string

//go:embed app.js
var appJS string

// iconSVG is the page's icon (without it, a browser asks for /favicon.ico
// on every load, in vain).
const iconSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#2f7d9b"/><text x="16" y="23" font-family="sans-serif" font-size="20" font-weight="700" text-anchor="middle" fill="#fff">S</text></svg>`

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"bold":   func(s bot.Span) bool { return s.Style&bot.Bold != 0 },
	"italic": func(s bot.Span) bool { return s.Style&bot.Italic != 0 },
	// initial is the first letter of a name, for its avatar.
	"initial": func(name string) string {
		for _, r := range name {
			return strings.ToUpper(string(r))
		}
		return "?"
	},
	// links splits a span's text into text and web addresses, which the
	// page shows as links (opening in a new tab, so that the playground
	// stays: the dashboard's link above all).
	"links": linkParts,
	// round tells a round's message, which one answers by replying to it.
	"round": func(ref string) bool { return strings.HasPrefix(ref, "round/") },
}).Parse(pageHTML))

// pageData is what the page template shows. Its words are in the
// language of the person it shows as.
type pageData struct {
	words
	CSRF     string
	As       entity
	Chat     string
	ChatName string
	Private  bool
	People   []entity
	Rooms    []entity
	Messages []Message
	Version  int
	Form     *pendingForm
}

// page serves GET /?as=&chat= (with part=main, only the chat view, for
// the page's script to refresh).
func (p *Playground) page(w http.ResponseWriter, r *http.Request) {
	d := pageData{CSRF: token(w, r)}
	p.mu.Lock()
	d.People, d.Rooms = append([]entity(nil), p.people...), append([]entity(nil), p.rooms...)
	p.mu.Unlock()
	as, chat := r.FormValue("as"), r.FormValue("chat")
	if e, ok := p.person(as); ok {
		d.As = e
	} else if len(d.People) > 0 {
		d.As = d.People[0]
	}
	if chat == "" && len(d.Rooms) > 0 {
		chat = string(chatID(d.Rooms[0].ID))
	}
	d.words = p.words(r.Context(), d.As.ID)
	if d.As.ID != "" {
		if who, c, err := p.place(d.As.ID, chat); err == nil {
			d.Chat, d.Private, d.ChatName = string(c.ID), c.Private, c.Title
			if c.Private {
				d.ChatName = d.text(flows.WebPlaygroundPrivateTitle, "name", who.Name)
			}
			d.Messages, d.Version = p.Messages(d.Chat)
			d.Form = p.Form(d.As.ID)
		}
	}
	name := "page"
	if r.FormValue("part") == "main" {
		name = "main"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	if err := pageTemplate.ExecuteTemplate(w, name, d); err != nil {
		p.logger.ErrorContext(r.Context(), "web: render the page failed", "err", err)
	}
}
