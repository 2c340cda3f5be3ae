package tomlstrict

import (
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// The document tree is TOML's data model with positions attached: what the
// parser's expressions mean once headers, dotted keys and arrays of tables
// are put together. Building it is separate from decoding into Go values so
// that TOML's own rules (build*.go) and the fit with the Go type (assign*.go)
// can each be read and tested alone.

type nodeKind uint8

const (
	scalarNode nodeKind = iota
	tableNode
	arrayNode
)

// origin is how a table or array came to be, which decides what may still
// be added to it later in the document (TOML 1.0, "Table").
type origin uint8

const (
	// implicit: a table named only as the parent of another one, as kinds
	// in [kinds.intro]; its own [kinds] header may still come later.
	implicit origin = iota
	// header: defined by its own [header] or [[header]] element.
	header
	// dotted: created by a dotted key (prompt.nl = "..."); a [header] may
	// not define it again, but may define tables inside it.
	dotted
	// inline: an inline table { ... } or a static array [ ... ], which is
	// complete where it is written and may not be extended.
	inline
	// tables: an array of tables, built by [[header]]s.
	tables
)

// node is one value in the document tree.
type node struct {
	kind   nodeKind
	origin origin
	parent *node
	name   string // key name; "" for the root and for list elements
	index  int    // position in the parent list; 0 for keyed nodes

	// at is where the node was defined: its key (the last segment of a
	// dotted key, or of a header), or the value itself for list elements.
	at Position
	// valueAt is where a scalar's value starts, for problems about the value
	// rather than about the key it belongs to.
	valueAt Position

	scalar unstable.Kind // String, Bool, Integer, Float or a date/time kind
	text   string        // the string's value, or the token as written

	keys     []string // table keys in document order
	children map[string]*node
	items    []*node // array elements
}

func newTable(parent *node, name string, at Position, o origin) *node {
	return &node{kind: tableNode, origin: o, parent: parent, name: name, at: at, children: map[string]*node{}}
}

// add makes child a key of the table t.
func (t *node) add(child *node) {
	t.keys = append(t.keys, child.name)
	t.children[child.name] = child
}

// path is the node's key path (see the package doc). It is computed on
// demand, only for problems, and built in one pass so that a key nested
// thousands of levels deep does not cost quadratic time.
func (n *node) path() string {
	var chain []*node
	for m := n; m.parent != nil; m = m.parent {
		chain = append(chain, m)
	}
	var b strings.Builder
	for i := len(chain) - 1; i >= 0; i-- {
		m := chain[i]
		switch {
		case m.parent.kind == arrayNode:
			b.WriteString(indexPath("", m.index))
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(Join("", m.name))
		}
	}
	return b.String()
}

// isDate reports whether a scalar is one of TOML's date or time kinds.
func (n *node) isDate() bool {
	switch n.scalar {
	case unstable.LocalDate, unstable.LocalTime, unstable.LocalDateTime, unstable.DateTime:
		return n.kind == scalarNode
	}
	return false
}
