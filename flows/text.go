package flows

import (
	"strings"
	"unicode"
)

// bidiControl reports the explicit bidirectional embeddings, overrides and
// isolates (U+202A–U+202E, U+2066–U+2069). Right-to-left text needs none of
// them to show right: the Unicode bidi algorithm orders it by itself. Left
// in a name or an answer they would reorder the text around it, so that a
// name could make a summary line say something else than it does.
func bidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// invisible reports characters that show nothing by themselves: spaces,
// format characters (zero-width space and joiners, marks, the BOM) and
// controls. Inside a word some are meaningful (a zero-width joiner in
// Persian or an emoji sequence), so they are only trimmed at the ends.
func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r) ||
		r == '\u3164' || r == '\u115F' || r == '\u1160' || r == '\uFFA0' // Hangul fillers
}

// CleanText is what the engine takes of a text a person typed: control
// characters other than newline and tab are dropped (a carriage return
// before a newline too), bidi overrides and isolates are removed, and
// invisible characters at the start and end are trimmed, so that a text of
// only invisible characters is empty. Right-to-left letters and zero-width
// joiners inside the text stay.
func CleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r), bidiControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimFunc(s, invisible)
}

// cleanName keeps a name on one line: control characters become spaces,
// bidi overrides and isolates go, runs of spaces become one and invisible
// characters at either end are trimmed (a lone left-to-right mark is not a
// name).
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case bidiControl(r):
			return -1
		}
		return r
	}, s)
	fields := strings.Fields(s)
	for i, f := range fields {
		fields[i] = strings.TrimFunc(f, invisible)
	}
	fields = slicesDeleteEmpty(fields)
	return strings.Join(fields, " ")
}

func slicesDeleteEmpty(s []string) []string {
	out := s[:0]
	for _, f := range s {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}
