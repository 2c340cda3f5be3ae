package web

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// words are the texts of one page, from the catalogs, in the page's
// language. A page's data embeds them, so that its template writes a text
// by its key, with the parameters as name-value pairs:
//
//	{{.T "web.dashboard.close_round" "n" .N}}
//
// T gives plain text, which html/template escapes like any other; R gives
// rich text, for the "rich" template, where the catalog's markup (*bold*)
// matters. Parameter values are inserted as text, never read as markup.
type words struct {
	render *bot.Renderer
	lang   string
}

func newWords(r *bot.Renderer, lang string) words {
	return words{render: r, lang: cmp.Or(lang, flows.DefaultLanguage)}
}

// T is the text of key as plain text.
func (w words) T(key string, kv ...any) string { return w.text(flows.MsgKey(key), kv...) }

// R is the text of key as rich text.
func (w words) R(key string, kv ...any) bot.Rich { return w.rich(flows.MsgKey(key), kv...) }

// HTMLLang is the page's lang attribute: its language without the
// register (nl-u is nl).
func (w words) HTMLLang() string {
	base, _, _ := strings.Cut(w.lang, "-")
	return base
}

func (w words) text(key flows.MsgKey, kv ...any) string { return w.rich(key, kv...).Plain() }

func (w words) rich(key flows.MsgKey, kv ...any) bot.Rich {
	var out bot.Rich
	// Neighbouring spans of one style are one: <b>Versie 1</b>, not a
	// <b> for the text and another for the parameter.
	for _, sp := range w.render.Line(flows.L(key, params(kv)...), w.lang) {
		if n := len(out); n > 0 && out[n-1].Style == sp.Style {
			out[n-1].Text += sp.Text
			continue
		}
		out = append(out, sp)
	}
	return out
}

// params makes a template's values fit flows.L: names and texts as
// strings, counts as ints, anything else as it prints. A name without a
// value is dropped.
func params(kv []any) []any {
	out := make([]any, 0, len(kv))
	for i := 0; i+1 < len(kv); i += 2 {
		name := fmt.Sprint(kv[i])
		switch v := kv[i+1].(type) {
		case string, int:
			out = append(out, name, v)
		case int64:
			out = append(out, name, int(v))
		default:
			out = append(out, name, fmt.Sprint(v))
		}
	}
	return out
}
