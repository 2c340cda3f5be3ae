package flows

import (
	"embed"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Catalog holds the texts of one language.
type Catalog struct {
	Lang  string
	texts map[MsgKey]catalogText
}

type catalogText struct {
	other, one string
	by         string // the parameter whose count picks one or other
}

//go:embed catalog/*.toml
var catalogFS embed.FS

// Catalogs returns the built-in catalogs by language. A malformed catalog is
// a programming error (tests load every one), so it panics.
func Catalogs() map[string]*Catalog {
	out := map[string]*Catalog{}
	for _, lang := range Languages {
		data, err := catalogFS.ReadFile("catalog/" + lang + ".toml")
		if err != nil {
			panic(fmt.Sprintf("catalog %s: %v", lang, err))
		}
		c, err := ParseCatalog(lang, data)
		if err != nil {
			panic(err)
		}
		out[lang] = c
	}
	for locale, base := range overlays {
		data, err := catalogFS.ReadFile("catalog/" + locale + ".toml")
		if err != nil {
			panic(fmt.Sprintf("catalog %s: %v", locale, err))
		}
		over, err := ParseCatalog(locale, data)
		if err != nil {
			panic(err)
		}
		out[locale] = out[base].overlaidWith(over)
	}
	return out
}

// overlays are catalogs that change only some texts of a language: the
// formal register of Dutch (a process in the u tone) is nl with the texts
// that address the reader replaced.
var overlays = map[string]string{"nl-u": "nl"}

// overlaidWith returns c with every text of over in place of its own.
func (c *Catalog) overlaidWith(over *Catalog) *Catalog {
	out := &Catalog{Lang: over.Lang, texts: make(map[MsgKey]catalogText, len(c.texts))}
	for k, t := range c.texts {
		out.texts[k] = t
	}
	for k, t := range over.texts {
		out.texts[k] = t
	}
	return out
}

// ParseCatalog reads a catalog: keys with a text, or with a table
// {by = "param", one = "…", other = "…"} for a count-dependent text.
func ParseCatalog(lang string, data []byte) (*Catalog, error) {
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("catalog %s: %w", lang, err)
	}
	c := &Catalog{Lang: lang, texts: map[MsgKey]catalogText{}}
	for key, v := range raw {
		switch v := v.(type) {
		case string:
			c.texts[MsgKey(key)] = catalogText{other: v}
		case map[string]any:
			one, ok1 := v["one"].(string)
			other, ok2 := v["other"].(string)
			by, ok3 := v["by"].(string)
			if !ok1 || !ok2 || !ok3 || len(v) != 3 {
				return nil, fmt.Errorf("catalog %s: key %s: a table needs exactly by, one and other", lang, key)
			}
			c.texts[MsgKey(key)] = catalogText{other: other, one: one, by: by}
		default:
			return nil, fmt.Errorf("catalog %s: key %s: want text or a {by, one, other} table", lang, key)
		}
	}
	return c, nil
}

// Has reports whether the catalog has key.
func (c *Catalog) Has(key MsgKey) bool {
	_, ok := c.texts[key]
	return ok
}

// Keys returns every key in the catalog.
func (c *Catalog) Keys() []MsgKey {
	out := make([]MsgKey, 0, len(c.texts))
	for k := range c.texts {
		out = append(out, k)
	}
	return out
}

// Text returns the text for key, in its singular form when the parameter
// the text counts by is 1. ok is false for an unknown key.
func (c *Catalog) Text(key MsgKey, params map[string]Param) (text string, ok bool) {
	t, ok := c.texts[key]
	if !ok {
		return "", false
	}
	if t.by != "" {
		if p, has := params[t.by]; has && p.Num != nil && *p.Num == 1 {
			return t.one, true
		}
	}
	return t.other, true
}

// Placeholders returns the parameter names a text uses ({name}), in order.
func Placeholders(text string) []string {
	var names []string
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			return names
		}
		names = append(names, text[i+1:i+j])
		text = text[i+j+1:]
	}
}
