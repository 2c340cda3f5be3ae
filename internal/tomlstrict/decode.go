package tomlstrict

import (
	"fmt"
	"reflect"
)

// Decode decodes data into v, a pointer to a struct, strictly: every key must
// map to a field (by its `toml:"name"` tag; untagged exported fields use the
// field name lower-cased), and every value must fit the field's type. It
// reports every problem it finds, in line order, and never stops at the first.
// A syntax error is reported as one Problem at its line (decoding stops there).
//
// After a syntax error v holds what the document set before it. Keys that
// were decoded keep their values even when other keys have problems; a
// value that does not fit its field leaves the field as it was.
//
// Decode panics if v is not a non-nil pointer to a struct, or if the struct
// has a field it cannot decode into (an interface, a channel, an array, a map
// not keyed by strings, ...): those are mistakes in the program, not in the
// document.
func Decode(data []byte, v any) (Positions, []Problem) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("tomlstrict: Decode needs a non-nil pointer to a struct, not %T", v))
	}
	checkType(rv.Elem().Type())

	root, problems := build(data)
	d := &decoder{positions: Positions{}, problems: problems}
	d.value(rv.Elem(), root, "", 0)
	sortProblems(d.problems)
	return d.positions, d.problems
}
