package telegramtest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Entity is a MessageEntity: a span of a message's text, its offset and
// length in UTF-16 code units as the Bot API counts them.
type Entity struct {
	Type          string `json:"type"` // bold, italic, text_link, code, pre, bot_command, …
	Offset        int    `json:"offset"`
	Length        int    `json:"length"`
	URL           string `json:"url,omitempty"`             // text_link
	Language      string `json:"language,omitempty"`        // pre
	CustomEmojiID string `json:"custom_emoji_id,omitempty"` // custom_emoji
}

// htmlTagEntity maps the tags Telegram's HTML style supports to entity types.
var htmlTagEntity = map[string]string{
	"b": "bold", "strong": "bold",
	"i": "italic", "em": "italic",
	"u": "underline", "ins": "underline",
	"s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
	"tg-spoiler": "spoiler", "span": "spoiler",
	"a":          "text_link",
	"code":       "code",
	"pre":        "pre",
	"blockquote": "blockquote",
	"tg-emoji":   "custom_emoji",
}

// parseHTML parses text in Telegram's HTML style
// (https://core.telegram.org/bots/api#html-style) the way the Bot API server
// does (tdlib's parse_html), returning the plain text and its entities. The
// error texts are the server's, and go after "Bad Request: can't parse
// entities: ".
//
// It is stricter than the server in one respect: a raw "&" that does not
// start an entity is an error here, where the server shows it literally,
// because the Bot API requires "&amp;" and a missing escape is a bug.
func parseHTML(text string) (string, []Entity, error) {
	type open struct {
		tag, arg  string
		offset    int // UTF-16 offset in the result
		expanding bool
	}
	var (
		out      strings.Builder
		u16      int
		stack    []open
		entities []Entity
	)
	emit := func(r rune) {
		out.WriteRune(r)
		if r >= 0x10000 {
			u16 += 2
		} else {
			u16++
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c == '&' {
			r, n := decodeEntity(text[i:])
			if n == 0 {
				return "", nil, fmt.Errorf("character \"&\" at byte offset %d does not start an HTML entity; write it as &amp;", i)
			}
			emit(r)
			i += n
			continue
		}
		if c != '<' {
			r, n := utf8.DecodeRuneInString(text[i:])
			emit(r)
			i += n
			continue
		}
		begin := i
		i++
		if i < len(text) && text[i] == '/' {
			// An end tag.
			if len(stack) == 0 {
				return "", nil, fmt.Errorf("Unexpected end tag at byte offset %d", begin)
			}
			i++
			nameStart := i
			for i < len(text) && !isHTMLSpace(text[i]) && text[i] != '>' {
				i++
			}
			name := strings.ToLower(text[nameStart:i])
			for i < len(text) && isHTMLSpace(text[i]) {
				i++
			}
			if i >= len(text) || text[i] != '>' {
				return "", nil, fmt.Errorf("Unclosed end tag at byte offset %d", begin)
			}
			i++
			top := stack[len(stack)-1]
			if name != "" && name != top.tag {
				return "", nil, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, top.tag, name)
			}
			stack = stack[:len(stack)-1]
			if length := u16 - top.offset; length > 0 {
				e := Entity{Type: htmlTagEntity[top.tag], Offset: top.offset, Length: length}
				switch top.tag {
				case "a":
					if top.arg == "" {
						continue // <a> without href: no entity
					}
					e.URL = top.arg
				case "pre":
					e.Language = top.arg
				case "code":
					// <pre><code class="language-x">: the language goes to the pre.
					if n := len(stack); n > 0 && stack[n-1].tag == "pre" && top.arg != "" && stack[n-1].offset == top.offset {
						stack[n-1].arg = top.arg
					}
				case "blockquote":
					if top.expanding {
						e.Type = "expandable_blockquote"
					}
				case "tg-emoji":
					e.CustomEmojiID = top.arg
				}
				entities = append(entities, e)
			}
			continue
		}

		// A start tag: name, then attributes.
		nameStart := i
		for i < len(text) && !isHTMLSpace(text[i]) && text[i] != '>' {
			i++
		}
		if i >= len(text) {
			return "", nil, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
		}
		name := strings.ToLower(text[nameStart:i])
		if _, ok := htmlTagEntity[name]; !ok {
			return "", nil, fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, begin)
		}
		o := open{tag: name, offset: u16}
		for i < len(text) && text[i] != '>' {
			for i < len(text) && isHTMLSpace(text[i]) {
				i++
			}
			if i >= len(text) {
				return "", nil, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
			}
			if text[i] == '>' {
				break
			}
			attrStart := i
			for i < len(text) && !isHTMLSpace(text[i]) && text[i] != '=' && text[i] != '>' {
				i++
			}
			attr := strings.ToLower(text[attrStart:i])
			if attr == "" {
				return "", nil, fmt.Errorf("Empty attribute name in the tag \"%s\" at byte offset %d", name, begin)
			}
			for i < len(text) && isHTMLSpace(text[i]) {
				i++
			}
			if i >= len(text) || text[i] != '=' {
				if name == "blockquote" && attr == "expandable" {
					o.expanding = true
					continue
				}
				return "", nil, fmt.Errorf("Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", name, begin)
			}
			i++
			for i < len(text) && isHTMLSpace(text[i]) {
				i++
			}
			if i >= len(text) {
				return "", nil, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
			}
			var value string
			if q := text[i]; q == '"' || q == '\'' {
				i++
				var v strings.Builder
				for i < len(text) && text[i] != q {
					if text[i] == '&' {
						if r, n := decodeEntity(text[i:]); n > 0 {
							v.WriteRune(r)
							i += n
							continue
						}
					}
					v.WriteByte(text[i])
					i++
				}
				if i >= len(text) {
					return "", nil, fmt.Errorf("Unclosed end of attribute value at byte offset %d", begin)
				}
				i++
				value = v.String()
			} else {
				valueStart := i
				for i < len(text) && (isASCIIAlnum(text[i]) || text[i] == '.' || text[i] == '-') {
					i++
				}
				if i == valueStart {
					return "", nil, fmt.Errorf("Expected quote or alphanumeric character at byte offset %d", i)
				}
				value = text[valueStart:i]
			}
			switch {
			case name == "a" && attr == "href":
				o.arg = value
			case name == "code" && attr == "class" && strings.HasPrefix(value, "language-"):
				o.arg = strings.TrimPrefix(value, "language-")
			case name == "span" && attr == "class" && strings.HasPrefix(value, "tg-"):
				o.arg = strings.TrimPrefix(value, "tg-")
			case name == "tg-emoji" && attr == "emoji-id":
				o.arg = value
			}
		}
		i++ // '>'
		if name == "span" && o.arg != "spoiler" {
			return "", nil, fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
		}
		if name == "tg-emoji" && o.arg == "" {
			return "", nil, fmt.Errorf("Tag \"tg-emoji\" must have attribute \"emoji-id\" at byte offset %d", begin)
		}
		if name == "code" && o.arg != "" && (len(stack) == 0 || stack[len(stack)-1].tag != "pre") {
			o.arg = "" // a language only counts on <pre><code>
		}
		stack = append(stack, o)
	}
	if len(stack) > 0 {
		return "", nil, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].tag)
	}
	// A <pre><code class="language-x"> pair gives one pre entity with the
	// language, not a pre and a code.
	var kept []Entity
	for _, e := range entities {
		if e.Type == "code" && containsSameSpan(entities, e, "pre") {
			continue
		}
		kept = append(kept, e)
	}
	sortEntities(kept)
	return out.String(), kept, nil
}

func containsSameSpan(entities []Entity, e Entity, typ string) bool {
	for _, o := range entities {
		if o.Type == typ && o.Offset == e.Offset && o.Length == e.Length {
			return true
		}
	}
	return false
}

func sortEntities(entities []Entity) {
	sort.SliceStable(entities, func(i, j int) bool {
		if entities[i].Offset != entities[j].Offset {
			return entities[i].Offset < entities[j].Offset
		}
		return entities[i].Length > entities[j].Length
	})
}

// decodeEntity decodes the HTML entity at the start of s: &lt; &gt; &amp;
// &quot; and numeric ones, the only ones the Bot API supports. It returns the
// rune and the number of bytes used, or 0 if s does not start with one.
func decodeEntity(s string) (rune, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 12 {
		return 0, 0
	}
	body := s[1:end]
	if body[0] == '#' {
		var (
			n   uint64
			err error
		)
		if len(body) > 1 && (body[1] == 'x' || body[1] == 'X') {
			n, err = strconv.ParseUint(body[2:], 16, 32)
		} else {
			n, err = strconv.ParseUint(body[1:], 10, 32)
		}
		if err != nil || n == 0 || n > unicode.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
			return 0, 0
		}
		return rune(n), end + 1
	}
	switch body {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	}
	return 0, 0
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// trimText strips leading and trailing white space from a parsed text, as the
// Bot API does, and moves or clips the entities to match.
func trimText(text string, entities []Entity) (string, []Entity) {
	trimmed := strings.TrimLeftFunc(text, unicode.IsSpace)
	lead := utf16Len(text[:len(text)-len(trimmed)])
	trimmed = strings.TrimRightFunc(trimmed, unicode.IsSpace)
	end := lead + utf16Len(trimmed)
	var out []Entity
	for _, e := range entities {
		start, stop := max(e.Offset, lead), min(e.Offset+e.Length, end)
		if stop <= start {
			continue
		}
		e.Offset, e.Length = start-lead, stop-start
		out = append(out, e)
	}
	return trimmed, out
}
