package web

import (
	"regexp"
	"strings"
)

// textPart is a piece of a message's text: plain text, or a web address
// shown as a link (URL is then the address, the same as Text).
type textPart struct {
	Text, URL string
}

// urlPattern finds web addresses in text: http or https, a host, and
// anything up to white space or a character that cannot be in an address
// written in a sentence (quotes, angle brackets).
var urlPattern = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'/?#]+[^\s<>"']*`)

// linkParts splits text into plain text and web addresses, for the page to
// show the addresses as links. Punctuation that ends a sentence or closes
// a parenthesis around an address is not part of it. The page escapes
// both kinds of part; nothing but an http or https address becomes a
// link.
func linkParts(text string) []textPart {
	var parts []textPart
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(text, -1) {
		u := trimURL(text[m[0]:m[1]])
		if _, host, _ := strings.Cut(u, "://"); host == "" {
			continue
		}
		if m[0] > last {
			parts = append(parts, textPart{Text: text[last:m[0]]})
		}
		parts = append(parts, textPart{Text: u, URL: u})
		last = m[0] + len(u)
	}
	if last < len(text) || len(parts) == 0 {
		parts = append(parts, textPart{Text: text[last:]})
	}
	return parts
}

// trimURL drops what ends a sentence after an address: . , ; : ! ? and a
// closing parenthesis or bracket that has no opening one in the address.
func trimURL(u string) string {
	for u != "" {
		c := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?*_", c) >= 0:
		case c == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
		case c == ']' && strings.Count(u, "[") < strings.Count(u, "]"):
		case c == '}' && strings.Count(u, "{") < strings.Count(u, "}"):
		default:
			return u
		}
		u = u[:len(u)-1]
	}
	return u
}
