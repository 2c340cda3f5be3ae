package tomlstrict

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// Messages are read by facilitators, not programmers: TOML's types are
// named in plain words (text, a number, true or false, a list, a table) and
// Go's types never appear.

// describeNode names what a value in the document is.
func describeNode(n *node) string {
	switch n.kind {
	case tableNode:
		return "a table"
	case arrayNode:
		if n.origin == tables {
			return "a list of tables"
		}
		return "a list"
	}
	switch n.scalar {
	case unstable.String:
		return "text"
	case unstable.Integer, unstable.Float:
		return "a number"
	case unstable.Bool:
		return "true or false"
	case unstable.LocalDate:
		return "a date"
	case unstable.LocalTime:
		return "a time"
	default:
		return "a date and time"
	}
}

// describeType names what a Go type accepts.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if isTextType(t) {
		return "text (a string)"
	}
	switch t.Kind() {
	case reflect.String:
		return "text (a string)"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list"
	default: // maps and structs
		return "a table"
	}
}

// subject names the key or list element at path in a message: `key
// "deadline"` or `item 2 of "reminders"`.
func subject(path string) string {
	seg := lastSegment(path)
	if i, ok := elementIndex(seg); ok {
		list := parentPath(path)
		name := lastSegment(list)
		if _, nested := elementIndex(name); nested {
			name = list // a list in a list: "item 2 of "grid[1]""
		}
		return fmt.Sprintf("item %d of %q", i+1, name)
	}
	return fmt.Sprintf("key %q", seg)
}

// where names the table at path for an unknown-key message: " in
// [kinds.intro]", " in item 3 of [[steps]]", or nothing for the top level.
func where(path string) string {
	if path == "" {
		return ""
	}
	if i, ok := elementIndex(lastSegment(path)); ok {
		return fmt.Sprintf(" in item %d of [[%s]]", i+1, parentPath(path))
	}
	return " in [" + path + "]"
}

// elementIndex parses the "[i]" segment of a list element.
func elementIndex(seg string) (int, bool) {
	digits, ok := strings.CutPrefix(seg, "[")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(strings.TrimSuffix(digits, "]"))
	return i, err == nil
}

// shorten keeps a value quoted in a message to a readable length.
func shorten(s string) string {
	const limit = 40
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
