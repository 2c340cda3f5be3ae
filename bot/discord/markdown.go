package discord

import (
	"strings"
	"unicode/utf8"

	"github.com/samen-bot/samen/bot"
)

// maxContent is Discord's limit on a message's content, in characters.
const maxContent = 2000

// escaped are the characters Discord's markdown may read as markup: every
// one is written with a backslash, so a participant's "**", "# " or
// "[link](…)" arrives as typed. '<' is among them, so "<@123>" stays text.
const escaped = "\\*_~`|>#-[]()<:"

// measure counts content as Discord does, after escaping; each line of a
// styled span adds up to six characters of markers.
var measure = bot.Measure{Rune: escapedLen, Styled: 6}

func escapedLen(c rune) int {
	// '@' may get a zero-width space after it.
	if c == '@' || strings.ContainsRune(escaped, c) {
		return 2
	}
	return 1
}

// toMarkdown writes rich text as Discord markdown, escaping every piece of
// text. Mentions are neutralised twice: messages are sent with no allowed
// mentions, and "@everyone"/"@here" get a zero-width space so they do not
// even look like a mention.
func toMarkdown(r bot.Rich) string {
	var b strings.Builder
	for _, sp := range r {
		for i, line := range strings.Split(sp.Text, "\n") {
			if i > 0 {
				b.WriteByte('\n')
			}
			writeStyled(&b, line, sp.Style)
		}
	}
	// Again over the whole: "@every" and "one" in two spans of the same
	// style meet only here.
	return noEveryone(b.String())
}

// writeStyled writes one line of a span: markers hug the text, since
// Discord ignores "** bold**"; the spaces around stay outside.
func writeStyled(b *strings.Builder, line string, style bot.Style) {
	core := strings.TrimSpace(line)
	if core == "" || style == 0 {
		b.WriteString(escape(line))
		return
	}
	lead := line[:strings.Index(line, core)]
	trail := line[len(lead)+len(core):]
	marker := ""
	if style&bot.Bold != 0 {
		marker += "**"
	}
	if style&bot.Italic != 0 {
		marker += "*"
	}
	b.WriteString(lead)
	b.WriteString(marker)
	b.WriteString(escape(core))
	b.WriteString(reverse(marker))
	b.WriteString(trail)
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// escape writes s so that Discord shows it as is.
func escape(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(escaped, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return noEveryone(b.String())
}

// noEveryone puts a zero-width space in "@everyone" and "@here".
func noEveryone(s string) string {
	for _, m := range []string{"@everyone", "@here"} {
		s = strings.ReplaceAll(s, m, "@\u200b"+m[1:])
	}
	return s
}

// parts renders r as messages of at most maxContent characters.
func parts(r bot.Rich) []string {
	var out []string
	for _, piece := range r.Split(maxContent, measure) {
		out = append(out, toMarkdown(piece))
	}
	return out
}

// truncate cuts s to at most n characters, with an ellipsis when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
