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

// measure counts a message as Telegram does: its text after the HTML is
// parsed, in UTF-16 code units.
var measure = bot.Measure{Rune: utf16.RuneLen}

// split cuts r into messages of at most max characters (bot.Rich.Split).
func split(r bot.Rich, max int) []bot.Rich { return r.Split(max, measure) }
