package tomlstrict

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/pelletier/go-toml/v2/unstable"
)

// builder turns the parser's top-level expressions into the document tree,
// reporting what TOML forbids: a key or a table defined twice, a table
// extended in a way the spec does not allow. It keeps going after each
// problem so that one run reports them all.
type builder struct {
	data     []byte
	lines    lineIndex
	root     *node
	current  *node // the table that key/value lines go into
	problems []Problem
}

// build parses data into a tree. Parsing stops at a syntax error, which is
// reported as one problem; the tree then holds what came before it.
func build(data []byte) (*node, []Problem) {
	// Editors on Windows may start a file with a UTF-8 byte order mark. It
	// is not TOML, but the person cannot see it, so it is skipped; lines
	// are counted as before.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	// A capacity equal to the length lets syntaxError map the parser's
	// highlight slices back to offsets without guessing.
	data = data[:len(data):len(data)]
	b := &builder{data: data, lines: newLineIndex(data)}
	b.root = newTable(nil, "", Position{}, header)
	b.current = b.root

	var p unstable.Parser
	p.Reset(data)
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			b.tableHeader(e)
		case unstable.ArrayTable:
			b.arrayTableHeader(e)
		case unstable.KeyValue:
			b.keyValue(b.current, e)
		}
	}
	if err := p.Error(); err != nil {
		b.syntaxError(err)
	}
	return b.root, b.problems
}

func (b *builder) problem(at Position, key, format string, args ...any) {
	b.problems = append(b.problems, Problem{Line: at.Line, Column: at.Column, Key: key, Message: fmt.Sprintf(format, args...)})
}

func (b *builder) syntaxError(err error) {
	offset := len(b.data)
	var perr *unstable.ParserError
	if errors.As(err, &perr) {
		// The highlight is a subslice of data: its offset is how much less
		// capacity it has. Anything else (never seen) falls back to the end.
		if o := cap(b.data) - cap(perr.Highlight); perr.Highlight != nil && o >= 0 && o <= len(b.data) {
			offset = o
		}
	}
	if offset == len(b.data) && offset > 0 {
		offset-- // the end of the input is on its last line
	}
	b.problem(b.lines.at(offset), "", "syntax error: %s", err.Error())
	b.problems[len(b.problems)-1].Syntax = true
}

// segment is one part of a (possibly dotted) key, with where it is written.
type segment struct {
	name string
	at   Position
}

func (b *builder) segments(e *unstable.Node) []segment {
	var segs []segment
	it := e.Key()
	for it.Next() {
		k := it.Node()
		segs = append(segs, segment{name: string(k.Data), at: b.lines.at(int(k.Raw.Offset))})
	}
	return segs
}

// headerParent walks a header's path up to its last key and returns the
// table that key belongs in (nil when the path is broken; the walk has
// reported why) and the last key.
func (b *builder) headerParent(e *unstable.Node) (*node, segment) {
	segs := b.segments(e)
	last := segs[len(segs)-1]
	return b.walkHeader(segs[:len(segs)-1]), last
}

// tableHeader handles [a.b.c]: it defines table c and makes it current.
func (b *builder) tableHeader(e *unstable.Node) {
	parent, last := b.headerParent(e)
	if parent == nil {
		b.current = detached(nil, last)
		return
	}
	child := parent.children[last.name]
	switch {
	case child == nil:
		child = newTable(parent, last.name, last.at, header)
		parent.add(child)
	case child.kind == tableNode && child.origin == implicit:
		// Implied earlier by a longer header; now it has its own line.
		child.origin = header
		child.at = last.at
	case child.kind == tableNode:
		// Keep going in the same table, so that its keys are still checked
		// and a key repeated in both copies is reported too.
		b.problem(last.at, child.path(), "table [%s] is defined twice (first at line %d)", child.path(), child.at.Line)
	default:
		b.problem(last.at, child.path(), "[%s] cannot be a table: %s", child.path(), b.definedAs(child))
		child = detached(parent, last)
	}
	b.current = child
}

// arrayTableHeader handles [[a.b.c]]: it appends a new table to the array of
// tables c and makes it current.
func (b *builder) arrayTableHeader(e *unstable.Node) {
	parent, last := b.headerParent(e)
	if parent == nil {
		b.current = detached(nil, last)
		return
	}
	arr := parent.children[last.name]
	switch {
	case arr == nil:
		arr = &node{kind: arrayNode, origin: tables, parent: parent, name: last.name, at: last.at}
		parent.add(arr)
	case arr.kind != arrayNode || arr.origin != tables:
		b.problem(last.at, arr.path(), "[[%s]] cannot add to %s: %s", arr.path(), arr.path(), b.definedAs(arr))
		b.current = detached(parent, last)
		return
	}
	item := newTable(arr, "", last.at, header)
	item.index = len(arr.items)
	arr.items = append(arr.items, item)
	b.current = item
}

// detached is the table for the keys under a header that could not be
// defined: they are still checked against TOML's rules, but belong to no
// table in the tree and are not decoded. parent, when known, gives their
// problems the right paths.
func detached(parent *node, last segment) *node {
	return newTable(parent, last.name, last.at, header)
}

// walkHeader follows the leading segments of a header from the root,
// implying tables that do not exist yet. Headers may reach into tables made
// by other headers or by dotted keys, and into the last element of an array
// of tables; not into inline tables or values. It returns nil after
// reporting a problem.
func (b *builder) walkHeader(segs []segment) *node {
	t := b.root
	for _, s := range segs {
		child := t.children[s.name]
		switch {
		case child == nil:
			child = newTable(t, s.name, s.at, implicit)
			t.add(child)
		case child.kind == tableNode && child.origin != inline:
		case child.kind == arrayNode && child.origin == tables:
			child = child.items[len(child.items)-1]
		default:
			b.problem(s.at, child.path(), "%s cannot have tables added: %s", child.path(), b.definedAs(child))
			return nil
		}
		t = child
	}
	return t
}

// keyValue handles key = value (and a.b.c = value, whose leading segments
// are tables) in the table t.
func (b *builder) keyValue(t *node, e *unstable.Node) {
	segs := b.segments(e)
	last := segs[len(segs)-1]
	for _, s := range segs[:len(segs)-1] {
		child := t.children[s.name]
		switch {
		case child == nil:
			child = newTable(t, s.name, s.at, dotted)
			t.add(child)
		case child.kind == tableNode && child.origin == dotted:
		case child.kind == tableNode && (child.origin == header || child.origin == implicit):
			// A table that headers define or imply takes its keys under a
			// header (go-toml agrees for implied ones).
			b.problem(s.at, child.path(), "table [%s] is defined at line %d: write its keys under a [%s] header, not as dotted keys", child.path(), child.at.Line, child.path())
			return
		default:
			b.problem(s.at, child.path(), "cannot add keys to %s: %s", child.path(), b.definedAs(child))
			return
		}
		t = child
	}
	if prev := t.children[last.name]; prev != nil {
		b.problem(last.at, prev.path(), "key %q is defined twice (first at line %d)", last.name, prev.at.Line)
		return
	}
	t.add(b.value(t, last.name, 0, e.Value(), last.at))
}

// value builds the node for the value v: the value of key name in parent,
// or element index of the list parent. at is where the key or element is.
func (b *builder) value(parent *node, name string, index int, v *unstable.Node, at Position) *node {
	// name and index are set before the children are built, which need
	// them for the paths in their problems.
	n := &node{parent: parent, name: name, index: index, at: at}
	switch v.Kind {
	case unstable.Array:
		n.kind, n.origin = arrayNode, inline
		it := v.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			itemAt := at // arrays carry no byte range in the AST: see below
			if c.Kind != unstable.Array {
				itemAt = b.lines.at(int(c.Raw.Offset))
			}
			n.items = append(n.items, b.value(n, "", len(n.items), c, itemAt))
		}
		if parent.kind == arrayNode && len(n.items) > 0 {
			// A list inside a list is where its first element is.
			n.at = n.items[0].at
		}
	case unstable.InlineTable:
		n.kind, n.origin, n.children = tableNode, inline, map[string]*node{}
		it := v.Children()
		for it.Next() {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				b.keyValue(n, c)
			}
		}
		seal(n)
	default:
		n.kind, n.scalar, n.text = scalarNode, v.Kind, string(v.Data)
		n.valueAt = b.lines.at(int(v.Raw.Offset))
	}
	return n
}

// seal marks the tables that dotted keys made inside an inline table as
// inline too: the whole inline table is complete where it is written.
func seal(t *node) {
	t.origin = inline
	for _, k := range t.keys {
		if c := t.children[k]; c.kind == tableNode && c.origin == dotted {
			seal(c)
		}
	}
}

// definedAs says, for a problem, what an existing node already is.
func (b *builder) definedAs(n *node) string {
	switch {
	case n.kind == tableNode && n.origin == inline:
		return fmt.Sprintf("it is an inline table at line %d, which must be complete where it is written", n.at.Line)
	case n.kind == tableNode:
		return fmt.Sprintf("it is already a table at line %d", n.at.Line)
	case n.kind == arrayNode && n.origin == tables:
		return fmt.Sprintf("it is a list of tables ([[%s]]) started at line %d", n.path(), n.at.Line)
	default:
		return fmt.Sprintf("it is already set to %s at line %d", describeNode(n), n.at.Line)
	}
}
