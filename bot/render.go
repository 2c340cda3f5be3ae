package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/samen-bot/samen/flows"
)

// Renderer turns semantic messages into rich text through the catalogs.
type Renderer struct {
	catalogs map[string]*flows.Catalog
	// location resolves time zone names for times in messages.
	location func(string) *time.Location
}

// NewRenderer renders with the built-in catalogs.
func NewRenderer(location func(string) *time.Location) *Renderer {
	return &Renderer{catalogs: flows.Catalogs(), location: location}
}

func (r *Renderer) catalog(lang string) *flows.Catalog {
	if c, ok := r.catalogs[lang]; ok {
		return c
	}
	return r.catalogs[flows.DefaultLanguage]
}

// Message renders a message's lines (joined by newlines) and its buttons.
func (r *Renderer) Message(m *flows.Message, lang string) (Rich, [][]Button) {
	var text Rich
	for i, line := range m.Lines {
		rendered := r.Line(line, lang)
		if len(rendered) == 0 {
			continue
		}
		if i > 0 && len(text) > 0 {
			text = append(text, Span{Text: "\n"})
		}
		text = append(text, rendered...)
	}
	var rows [][]Button
	for _, row := range m.Buttons {
		var out []Button
		for _, b := range row {
			out = append(out, Button{Label: r.Line(b.Label, lang).Plain(), Intent: b.Intent})
		}
		rows = append(rows, out)
	}
	return merge(text), rows
}

// Line renders one catalog text with its parameters. The catalog's markup
// (*bold*, _italic_, a backslash before a character to write it as is)
// styles the spans; parameter values are inserted as text in the
// surrounding style and never parsed.
func (r *Renderer) Line(line flows.Line, lang string) Rich {
	var out Rich
	r.walk(line, lang, func(text string, style Style, _ bool) {
		out = append(out, Span{Text: text, Style: style})
	})
	return out
}

// walk renders a line piece by piece: literal catalog text and parameter
// values (param true), each with the style around it.
func (r *Renderer) walk(line flows.Line, lang string, emit func(text string, style Style, param bool)) {
	text, ok := r.catalog(lang).Text(line.Key, line.Params)
	if !ok {
		// A missing key is caught by tests; show the key rather than nothing.
		emit(string(line.Key), 0, false)
		return
	}
	var style Style
	var plain strings.Builder
	flush := func() {
		if plain.Len() > 0 {
			emit(plain.String(), style, false)
			plain.Reset()
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\\' && i+1 < len(text):
			// \*, \_, \{ and \\ write the character itself.
			i++
			plain.WriteByte(text[i])
		case c == '*' || c == '_':
			flush()
			if c == '*' {
				style ^= Bold
			} else {
				style ^= Italic
			}
		case c == '{':
			end := strings.IndexByte(text[i:], '}')
			if end < 0 {
				plain.WriteByte(c)
				continue
			}
			name := text[i+1 : i+end]
			flush()
			if v := r.param(line.Params[name], lang); v != "" {
				emit(v, style, true)
			}
			i += end
		default:
			plain.WriteByte(c)
		}
	}
	flush()
}

func (r *Renderer) param(p flows.Param, lang string) string {
	switch {
	case p.Num != nil:
		return strconv.Itoa(*p.Num)
	case p.Time != nil:
		return formatTime(*p.Time, r.location(p.Zone), lang)
	case p.Key != "":
		return r.Line(flows.L(p.Key), lang).Plain()
	case p.Local != nil:
		return p.Local.In(lang)
	}
	return p.Text
}

var (
	weekdays = map[string][7]string{
		"nl": {"zo", "ma", "di", "wo", "do", "vr", "za"},
		"en": {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
	}
	months = map[string][12]string{
		"nl": {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
		"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	}
)

// formatTime writes a time as people read it on a phone: "di 3 mrt 09:00".
func formatTime(t time.Time, loc *time.Location, lang string) string {
	if loc != nil {
		t = t.In(loc)
	}
	lang, _, _ = strings.Cut(lang, "-") // nl-u writes dates as nl does
	days, ok := weekdays[lang]
	if !ok {
		days, lang = weekdays[flows.DefaultLanguage], flows.DefaultLanguage
	}
	return fmt.Sprintf("%s %d %s %02d:%02d", days[t.Weekday()], t.Day(), months[lang][t.Month()-1], t.Hour(), t.Minute())
}

// merge joins neighbouring spans of the same style.
func merge(r Rich) Rich {
	var out Rich
	for _, s := range r {
		if n := len(out); n > 0 && out[n-1].Style == s.Style {
			out[n-1].Text += s.Text
			continue
		}
		out = append(out, s)
	}
	return out
}

// Form renders a form (nil for none).
func (r *Renderer) Form(f *flows.Form, lang string) *Form {
	if f == nil {
		return nil
	}
	out := &Form{Title: r.Line(f.Title, lang).Plain()}
	for _, field := range f.Fields {
		hint := ""
		if field.Hint.Key != "" {
			hint = r.Line(field.Hint, lang).Plain()
		}
		out.Fields = append(out.Fields, FormField{Label: r.Line(field.Label, lang).Plain(), Hint: hint, Long: field.Long, MaxRunes: field.MaxRunes})
	}
	return out
}
