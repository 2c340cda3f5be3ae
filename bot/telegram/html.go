package telegram

import (
	"html"
	"strings"
	"unicode/utf16"

	"github.com/samen-bot/samen/bot"
)

// maxText is Telegram's limit on a message's text, counted after the HTML
// is parsed, in UTF-16 code units (as Telegram counts).
const maxText = 4096

// toHTML writes rich text in Telegram's HTML parse mode. Every piece of
// text is escaped: a user's "<b>" or "&" arrives as written, never as markup
// (and never as a failed send: Telegram refuses text it cannot parse).
func toHTML(r bot.Rich) string {
	var b strings.Builder
	for _, sp := range r {
		text := html.EscapeString(sp.Text)
		if sp.Style&bot.Bold != 0 {
			text = "<b>" + text + "</b>"
		}
		if sp.Style&bot.Italic != 0 {
			text = "<i>" + text + "</i>"
		}
		b.WriteString(text)
	}
	return b.String()
}

// textLength is the length Telegram counts for r.
func textLength(r bot.Rich) int {
	n := 0
	for _, sp := range r {
		n += utf16Len(sp.Text)
	}
	return n
}

func utf16Len(s string) int {
	n := 0
	for _, c := range s {
		n += utf16.RuneLen(c)
	}
	return n
}

// split cuts r into messages of at most max characters: between
// paragraphs (a blank line) where it can, else between lines, else inside a
// line, never inside a character. Styles carry over a cut.
func split(r bot.Rich, max int) []bot.Rich {
	if textLength(r) <= max {
		return []bot.Rich{r}
	}
	var parts []bot.Rich
	var cur bot.Rich
	curLen := 0
	add := func(r bot.Rich) {
		if r = trimRich(r); strings.TrimSpace(r.Plain()) != "" {
			parts = append(parts, r) // Telegram refuses an empty message
		}
	}
	flush := func() {
		add(cur)
		cur, curLen = nil, 0
	}
	for _, para := range paragraphs(r) {
		n := textLength(para)
		switch {
		case curLen+n <= max:
			cur = append(cur, para...)
			curLen += n
		case n <= max:
			flush()
			cur, curLen = append(cur, para...), n
		default:
			flush()
			for _, piece := range cutLong(para, max) {
				add(piece)
			}
		}
	}
	flush()
	if len(parts) == 0 {
		return []bot.Rich{r}
	}
	return parts
}

// paragraphs splits r after each blank line ("\n\n"), keeping the newlines
// with the paragraph they end.
func paragraphs(r bot.Rich) []bot.Rich {
	return splitAfter(r, "\n\n")
}

func splitAfter(r bot.Rich, sep string) []bot.Rich {
	var out []bot.Rich
	var cur bot.Rich
	for _, sp := range r {
		text := sp.Text
		for {
			i := strings.Index(text, sep)
			if i < 0 {
				break
			}
			cur = append(cur, bot.Span{Text: text[:i+len(sep)], Style: sp.Style})
			out = append(out, cur)
			cur = nil
			text = text[i+len(sep):]
		}
		if text != "" {
			cur = append(cur, bot.Span{Text: text, Style: sp.Style})
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// cutLong cuts a paragraph longer than max: at line ends where it can,
// else at a space, else anywhere between characters.
func cutLong(r bot.Rich, max int) []bot.Rich {
	var out []bot.Rich
	var cur bot.Rich
	curLen := 0
	for _, line := range splitAfter(r, "\n") {
		n := textLength(line)
		if curLen+n <= max {
			cur, curLen = append(cur, line...), curLen+n
			continue
		}
		if len(cur) > 0 {
			out = append(out, cur)
			cur, curLen = nil, 0
		}
		for _, sp := range line {
			for sp.Text != "" {
				room := max - curLen
				if utf16Len(sp.Text) <= room {
					cur, curLen = append(cur, sp), curLen+utf16Len(sp.Text)
					break
				}
				head, tail := cutAt(sp.Text, room)
				if head != "" {
					cur = append(cur, bot.Span{Text: head, Style: sp.Style})
				}
				out = append(out, cur)
				cur, curLen = nil, 0
				sp.Text = tail
			}
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// cutAt splits s so that head is at most room UTF-16 units, preferring the
// last space.
func cutAt(s string, room int) (head, tail string) {
	end, n := 0, 0
	for i, c := range s {
		if n+utf16.RuneLen(c) > room {
			break
		}
		n += utf16.RuneLen(c)
		end = i + len(string(c))
	}
	if sp := strings.LastIndexByte(s[:end], ' '); sp > end/2 {
		end = sp + 1
	}
	return s[:end], s[end:]
}

// trimRich drops the newlines a cut leaves at the end of a message.
func trimRich(r bot.Rich) bot.Rich {
	for len(r) > 0 {
		last := &r[len(r)-1]
		last.Text = strings.TrimRight(last.Text, "\n")
		if last.Text != "" {
			break
		}
		r = r[:len(r)-1]
	}
	for len(r) > 0 {
		r[0].Text = strings.TrimLeft(r[0].Text, "\n")
		if r[0].Text != "" {
			break
		}
		r = r[1:]
	}
	return r
}
