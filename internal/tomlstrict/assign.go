package tomlstrict

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/pelletier/go-toml/v2/unstable"
)

// maxDepth bounds how deeply values are decoded. Only a recursive Go type
// can go this deep, and only for a document no person would write; the
// bound keeps paths and messages small when a fuzzer writes one.
const maxDepth = 100

// decoder walks the document tree alongside a Go value, filling the value,
// recording where each key path was defined and collecting every problem
// instead of stopping at the first.
type decoder struct {
	positions Positions
	problems  []Problem
}

func (d *decoder) problem(at Position, path, format string, args ...any) {
	d.problems = append(d.problems, Problem{Line: at.Line, Column: at.Column, Key: path, Message: fmt.Sprintf(format, args...)})
}

// mismatch reports a value whose TOML type does not fit the field. It is
// placed at the key (or list element), where the person has to change it.
func (d *decoder) mismatch(t reflect.Type, n *node, path string) {
	d.problem(n.at, path, "%s must be %s, not %s", subject(path), describeType(t), describeNode(n))
}

// value decodes n into v, which is settable, and reports whether it stored
// anything: false when n does not fit v at all (wrong type, out of range),
// so that a pointer field stays nil.
func (d *decoder) value(v reflect.Value, n *node, path string, depth int) bool {
	if path != "" {
		d.positions[path] = n.at
	}
	if depth > maxDepth {
		d.problem(n.at, path, "%s is nested too deeply", subject(path))
		return false
	}
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		// Decode into a copy so that a value that does not fit leaves the
		// pointer as it was (nil: not set).
		p := reflect.New(t.Elem())
		if !v.IsNil() {
			p.Elem().Set(v.Elem())
		}
		if !d.value(p.Elem(), n, path, depth+1) {
			return false
		}
		v.Set(p)
		return true
	}
	if isTextType(t) {
		return d.text(v, n, path)
	}
	switch t.Kind() {
	case reflect.String:
		s, ok := d.textOf(t, n, path)
		if ok {
			v.SetString(s)
		}
		return ok
	case reflect.Bool:
		if n.kind != scalarNode || n.scalar != unstable.Bool {
			d.mismatch(t, n, path)
			return false
		}
		v.SetBool(n.text == "true")
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return d.integer(v, n, path)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return d.integer(v, n, path)
	case reflect.Float32, reflect.Float64:
		return d.float(v, n, path)
	case reflect.Slice:
		return d.slice(v, n, path, depth)
	case reflect.Map:
		return d.mapping(v, n, path, depth)
	default: // reflect.Struct; checkType ruled out everything else
		return d.structure(v, n, path, depth)
	}
}

// textOf returns the text of a string value. A date or time is accepted as
// text too, as written, once it is known to be a real one: a person who
// writes date = 2024-05-01 means that date, quotes or not.
func (d *decoder) textOf(t reflect.Type, n *node, path string) (string, bool) {
	switch {
	case n.kind == scalarNode && n.scalar == unstable.String:
		return n.text, true
	case n.isDate() && validDateTime(n.scalar, n.text):
		return n.text, true
	case n.isDate():
		d.problem(n.valueAt, path, "%s: %s is not a real date or time", subject(path), shorten(n.text))
		return "", false
	}
	d.mismatch(t, n, path)
	return "", false
}

// text decodes a value into a type with its own UnmarshalText (a Duration,
// say). Its error is the type's own words about the text, so it is placed
// at the value.
func (d *decoder) text(v reflect.Value, n *node, path string) bool {
	s, ok := d.textOf(v.Type(), n, path)
	if !ok {
		return false
	}
	// Unmarshal into a copy: a type that fails half-way must not leave the
	// field half-changed.
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	if err := p.Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
		d.problem(n.valueAt, path, "%s: %v", subject(path), err)
		return false
	}
	v.Set(p.Elem())
	return true
}

func (d *decoder) integer(v reflect.Value, n *node, path string) bool {
	t := v.Type()
	if n.kind != scalarNode || n.scalar != unstable.Integer {
		if n.kind == scalarNode && n.scalar == unstable.Float {
			d.problem(n.at, path, "%s must be a whole number, not %s", subject(path), shorten(n.text))
		} else {
			d.mismatch(t, n, path)
		}
		return false
	}
	i, err := parseInteger(n.text)
	unsigned := isUnsigned(t)
	fits := err == nil && (unsigned && i >= 0 && !v.OverflowUint(uint64(i)) || !unsigned && !v.OverflowInt(i))
	if !fits {
		lo, hi := intRange(t)
		d.problem(n.valueAt, path, "%s must be a whole number from %s to %s, not %s", subject(path), lo, hi, shorten(n.text))
		return false
	}
	if unsigned {
		v.SetUint(uint64(i))
	} else {
		v.SetInt(i)
	}
	return true
}

func isUnsigned(t reflect.Type) bool {
	return t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64
}

// intRange is the smallest and largest value of an integer type, as text,
// capped to what a TOML integer can hold.
func intRange(t reflect.Type) (lo, hi string) {
	bits := t.Bits()
	if isUnsigned(t) {
		if bits == 64 {
			return "0", strconv.FormatInt(math.MaxInt64, 10)
		}
		return "0", strconv.FormatUint(1<<bits-1, 10)
	}
	return strconv.FormatInt(-1<<(bits-1), 10), strconv.FormatInt(1<<(bits-1)-1, 10)
}

// float accepts TOML floats and integers: a person writing quorum = 1 means
// the number one.
func (d *decoder) float(v reflect.Value, n *node, path string) bool {
	if n.kind != scalarNode || (n.scalar != unstable.Float && n.scalar != unstable.Integer) {
		d.mismatch(v.Type(), n, path)
		return false
	}
	var f float64
	var err error
	if n.scalar == unstable.Integer {
		var i int64
		i, err = parseInteger(n.text)
		f = float64(i)
	} else {
		f, err = parseFloat(n.text)
	}
	if err != nil || v.OverflowFloat(f) {
		d.problem(n.valueAt, path, "%s: %s is too large a number", subject(path), shorten(n.text))
		return false
	}
	v.SetFloat(f)
	return true
}

// slice decodes a list: an array of tables ([[steps]]) or an inline array.
// The slice is replaced, not appended to. An element that does not fit is
// left at its zero value, and the others are still decoded.
func (d *decoder) slice(v reflect.Value, n *node, path string, depth int) bool {
	if n.kind != arrayNode {
		d.mismatch(v.Type(), n, path)
		return false
	}
	s := reflect.MakeSlice(v.Type(), len(n.items), len(n.items))
	for i, item := range n.items {
		d.value(s.Index(i), item, indexPath(path, i), depth+1)
	}
	v.Set(s)
	return true
}

// mapping decodes a table keyed by names chosen in the document, like
// [kinds.intro] into kinds["intro"]. Entries already in the map are decoded
// into, so a caller's defaults survive.
func (d *decoder) mapping(v reflect.Value, n *node, path string, depth int) bool {
	t := v.Type()
	if n.kind != tableNode {
		d.mismatch(t, n, path)
		return false
	}
	if v.IsNil() {
		v.Set(reflect.MakeMapWithSize(t, len(n.keys)))
	}
	for _, name := range n.keys {
		key := reflect.ValueOf(name).Convert(t.Key())
		elem := reflect.New(t.Elem()).Elem()
		if old := v.MapIndex(key); old.IsValid() {
			elem.Set(old)
		}
		if d.value(elem, n.children[name], Join(path, name), depth+1) {
			v.SetMapIndex(key, elem)
		}
	}
	return true
}

// structure decodes a table into a struct. Every key must be one of its
// fields; an unknown key is reported (with the nearest field name when it
// looks like a typo) and the rest of the table is still decoded.
func (d *decoder) structure(v reflect.Value, n *node, path string, depth int) bool {
	t := v.Type()
	if n.kind != tableNode {
		d.mismatch(t, n, path)
		return false
	}
	info := infoOf(t)
	for _, name := range n.keys {
		child := n.children[name]
		childPath := Join(path, name)
		index, ok := info.fields[name]
		if !ok {
			d.positions[childPath] = child.at
			msg := fmt.Sprintf("unknown key %q%s", name, where(path))
			if s := suggest(name, info.names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.problem(child.at, childPath, "%s", msg)
			continue
		}
		d.value(v.FieldByIndex(index), child, childPath, depth+1)
	}
	return true
}
