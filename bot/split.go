package bot

import "strings"

// Measure is how a platform counts a message's length.
type Measure struct {
	// Rune is how many units a character takes (after escaping).
	Rune func(rune) int
	// Styled is how many units the markup around a styled span takes, on
	// each of its lines (Discord's markers do not cross a line end).
	Styled int
}

// Len is r's length as m counts it.
func (m Measure) Len(r Rich) int {
	n := 0
	for _, sp := range r {
		n += m.span(sp)
	}
	return n
}

func (m Measure) text(s string) int {
	n := 0
	for _, c := range s {
		n += m.Rune(c)
	}
	return n
}

func (m Measure) span(sp Span) int {
	n := m.text(sp.Text)
	if sp.Style != 0 {
		n += m.Styled * (1 + strings.Count(sp.Text, "\n"))
	}
	return n
}

// Split cuts r into messages of at most max units: between paragraphs (a
// blank line) where it can, else between lines, else inside a line, never
// inside a character. Styles carry over a cut; no part is blank.
func (r Rich) Split(max int, m Measure) []Rich {
	if m.Len(r) <= max {
		return []Rich{r}
	}
	var parts []Rich
	var cur Rich
	curLen := 0
	add := func(r Rich) {
		if r = trimRich(r); strings.TrimSpace(r.Plain()) != "" {
			parts = append(parts, r) // platforms refuse an empty message
		}
	}
	flush := func() {
		add(cur)
		cur, curLen = nil, 0
	}
	for _, para := range splitAfter(r, "\n\n") {
		n := m.Len(para)
		switch {
		case curLen+n <= max:
			cur = append(cur, para...)
			curLen += n
		case n <= max:
			flush()
			cur, curLen = append(cur, para...), n
		default:
			flush()
			for _, piece := range cutLong(para, max, m) {
				add(piece)
			}
		}
	}
	flush()
	if len(parts) == 0 {
		return []Rich{r}
	}
	return parts
}

// splitAfter splits r after each sep, keeping sep with the piece it ends.
func splitAfter(r Rich, sep string) []Rich {
	var out []Rich
	var cur Rich
	for _, sp := range r {
		text := sp.Text
		for {
			i := strings.Index(text, sep)
			if i < 0 {
				break
			}
			cur = append(cur, Span{Text: text[:i+len(sep)], Style: sp.Style})
			out = append(out, cur)
			cur = nil
			text = text[i+len(sep):]
		}
		if text != "" {
			cur = append(cur, Span{Text: text, Style: sp.Style})
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// cutLong cuts a paragraph longer than max: at line ends where it can,
// else at a space, else anywhere between characters.
func cutLong(r Rich, max int, m Measure) []Rich {
	var out []Rich
	var cur Rich
	curLen := 0
	for _, line := range splitAfter(r, "\n") {
		n := m.Len(line)
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
				if m.span(sp) <= room {
					cur, curLen = append(cur, sp), curLen+m.span(sp)
					break
				}
				if sp.Style != 0 {
					room -= m.Styled
				}
				head, tail := cutAt(sp.Text, room, m)
				if head != "" {
					cur = append(cur, Span{Text: head, Style: sp.Style})
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

// cutAt splits s so that head is at most room units, preferring the last
// space.
func cutAt(s string, room int, m Measure) (head, tail string) {
	end, n := 0, 0
	for i, c := range s {
		if n+m.Rune(c) > room {
			break
		}
		n += m.Rune(c)
		end = i + len(string(c))
	}
	if sp := strings.LastIndexByte(s[:end], ' '); sp > end/2 {
		end = sp + 1
	}
	return s[:end], s[end:]
}

// trimRich drops the newlines a cut leaves at either end of a message.
func trimRich(r Rich) Rich {
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
