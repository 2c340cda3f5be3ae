package tomlstrict

import (
	"strconv"
	"strings"
)

// Position is a place in the document. Line and Column are 1-based; the
// column counts bytes, like the TOML parser's.
type Position struct {
	Line, Column int
}

// Positions records where each key path was defined, so callers can report
// semantic problems (a kind without a prompt) at a useful line. A table
// header's own line is the position of its path; a table that was only
// implied (kinds in [kinds.intro]) is at the first place that implied it.
type Positions map[string]Position

// Of returns the position of path, or of its nearest defined parent (so a
// missing "kinds.intro.prompt" is reported at the [kinds.intro] header). It
// returns the zero Position when neither path nor any parent was defined.
func (p Positions) Of(path string) Position {
	for path != "" {
		if pos, ok := p[path]; ok {
			return pos
		}
		path = parentPath(path)
	}
	return Position{}
}

// Join appends the key name to the path parent, quoting name when it is not
// a bare TOML key (see the package doc). Join("", "kinds") is "kinds".
func Join(parent, name string) string {
	if !isBareKey(name) {
		name = strconv.Quote(name)
	}
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// indexPath is the path of the i-th (0-based) element of the list at path.
func indexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// isBareKey reports whether name can be written unquoted in TOML, and so in
// a path.
func isBareKey(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// parentPath strips the last segment (".name" or "[i]") from path. Dots and
// brackets inside quoted segments do not count.
func parentPath(path string) string {
	last := 0
	quoted := false
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case quoted && c == '\\':
			i++ // skip the escaped character, which may be a quote
		case c == '"':
			quoted = !quoted
		case !quoted && (c == '.' || c == '['):
			last = i
		}
	}
	return path[:last]
}

// lastSegment is the last segment of path as a person reads it: the key name
// unquoted, or the "[i]" of a list element.
func lastSegment(path string) string {
	seg := strings.TrimPrefix(path[len(parentPath(path)):], ".")
	if strings.HasPrefix(seg, `"`) {
		if name, err := strconv.Unquote(seg); err == nil {
			return name
		}
	}
	return seg
}
