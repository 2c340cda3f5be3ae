package tomlstrict

import (
	"bytes"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// The tree builder applies TOML's rules itself, so it is checked against
// go-toml's own decoder: for any input, both must agree on whether the
// document is valid TOML, and on what it means when it is.

// generic turns a tree into what go-toml decodes a document into, with
// ok false when a number does not parse or a date or time is not a real one
// (go-toml checks those while building the document, this package only when
// a field uses the value). Dates and times become "date", as go-toml's own
// types for them are not compared.
func generic(n *node) (v any, ok bool) {
	switch n.kind {
	case tableNode:
		m := map[string]any{}
		for _, k := range n.keys {
			c, ok := generic(n.children[k])
			if !ok {
				return nil, false
			}
			m[k] = c
		}
		return m, true
	case arrayNode:
		s := []any{}
		for _, item := range n.items {
			c, ok := generic(item)
			if !ok {
				return nil, false
			}
			s = append(s, c)
		}
		return s, true
	}
	switch {
	case n.isDate():
		return "date", validDateTime(n.scalar, n.text)
	case n.scalar == unstable.Integer:
		i, err := parseInteger(n.text)
		return i, err == nil
	case n.scalar == unstable.Float:
		f, err := parseFloat(n.text)
		if math.IsNaN(f) {
			return "NaN", err == nil // NaN != NaN would fail DeepEqual
		}
		return f, err == nil
	case n.scalar == unstable.Bool:
		return n.text == "true", true
	}
	return n.text, true
}

// normalize replaces NaN floats and dates in go-toml's result like generic
// does.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			v[k] = normalize(c)
		}
	case []any:
		for i, c := range v {
			v[i] = normalize(c)
		}
	case float64:
		if math.IsNaN(v) {
			return "NaN"
		}
	case time.Time, toml.LocalDate, toml.LocalTime, toml.LocalDateTime:
		return "date"
	}
	return v
}

func checkAgainstGoToml(t *testing.T, data []byte) {
	t.Helper()
	root, problems := build(data)
	ours, ok := generic(root)
	valid := ok && len(problems) == 0
	var theirs map[string]any
	err := toml.Unmarshal(bytes.TrimPrefix(data, []byte("\uFEFF")), &theirs) // see build
	switch {
	case err != nil && valid:
		t.Fatalf("go-toml rejects %q (%v), the builder accepts it", data, err)
	case err == nil && !valid:
		t.Fatalf("go-toml accepts %q, the builder reports %v (values ok: %v)", data, problems, ok)
	case err == nil:
		if theirs == nil {
			theirs = map[string]any{}
		}
		if !reflect.DeepEqual(ours, normalize(theirs)) {
			t.Fatalf("for %q\nbuilder: %#v\ngo-toml: %#v", data, ours, theirs)
		}
	}
}

func FuzzBuildMatchesGoToml(f *testing.F) {
	for _, s := range tomlRuleCases {
		f.Add(s.doc)
	}
	for _, doc := range dateCases {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		checkAgainstGoToml(t, []byte(doc))
	})
}
