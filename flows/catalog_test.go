package flows

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// catalogKeyConstants reads keys.go and returns every MsgKey constant, so a
// key added in code without texts fails here.
func catalogKeyConstants(t *testing.T) map[MsgKey]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "keys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[MsgKey]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Values) != 1 {
			return true
		}
		lit, ok := spec.Values[0].(*ast.BasicLit)
		if !ok {
			return true
		}
		v, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		keys[MsgKey(v)] = spec.Names[0].Name
		return true
	})
	if len(keys) < 100 {
		t.Fatalf("found only %d key constants in keys.go; the parser missed them", len(keys))
	}
	return keys
}

func TestEveryKeyInEveryLanguage(t *testing.T) {
	consts := catalogKeyConstants(t)
	cats := Catalogs()
	for _, lang := range Languages {
		c := cats[lang]
		for key, name := range consts {
			if !c.Has(key) {
				t.Errorf("catalog %s has no text for %s (%q)", lang, name, key)
			}
		}
		for _, key := range c.Keys() {
			if _, ok := consts[key]; !ok {
				t.Errorf("catalog %s has %q, which no constant in keys.go names", lang, key)
			}
		}
	}
}

func TestLanguagesUseTheSameParameters(t *testing.T) {
	cats := Catalogs()
	one := 1
	singular := map[string]Param{}
	// Any parameter may be the one a text counts by.
	for _, p := range []string{"n", "answered", "members", "chats", "groups"} {
		singular[p] = Param{Num: &one}
	}
	for key := range catalogKeyConstants(t) {
		for _, params := range []map[string]Param{nil, singular} {
			var want []string
			for i, lang := range Languages {
				text, _ := cats[lang].Text(key, params)
				got := Placeholders(text)
				slices.Sort(got)
				got = slices.Compact(got)
				if i == 0 {
					want = got
				} else if !slices.Equal(got, want) {
					t.Errorf("%s in %s uses parameters %v; in %s %v", key, lang, got, Languages[0], want)
				}
			}
		}
	}
}

func TestNoBareBezwaar(t *testing.T) {
	// Allowed: the full term, its plural, and "bezwaarschrift" where the
	// explainer says an overwegend bezwaar is not one.
	allowed := regexp.MustCompile(`overwegend bezwaar|overwegende bezwaren|bezwaarschrift`)
	c := Catalogs()["nl"]
	one := 1
	for _, key := range c.Keys() {
		for _, params := range []map[string]Param{nil, {"n": {Num: &one}}} {
			text, _ := c.Text(key, params)
			rest := allowed.ReplaceAllString(strings.ToLower(text), "")
			if strings.Contains(rest, "bezwaar") {
				t.Errorf("%s says %q: write \"overwegend bezwaar\", never the bare word (method.md §4)", key, text)
			}
		}
	}
}
