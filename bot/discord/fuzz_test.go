package discord

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/samen-bot/samen/bot"
)

// readMarkdown reads content as Discord's markdown does, as far as escaping
// goes: "\x" is x as text, "*" outside an escape is a style marker (only
// our own markers may be there), and any other markup character outside an
// escape is a failure. It returns the text a reader sees.
func readMarkdown(t *testing.T, content string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(content); {
		c, n := utf8.DecodeRuneInString(content[i:])
		switch {
		case c == '\\' && i+1 < len(content):
			d, m := utf8.DecodeRuneInString(content[i+1:])
			if !strings.ContainsRune(escaped, d) {
				t.Fatalf("stray backslash at %d in %q", i, content)
			}
			b.WriteRune(d)
			i += 1 + m
			continue
		case c == '*':
			// a marker of ours
		case strings.ContainsRune(escaped, c):
			t.Fatalf("unescaped %q at %d in %q", c, i, content)
		default:
			b.WriteRune(c)
		}
		i += n
	}
	return b.String()
}

// checkMentions asserts that content cannot ping or look like a mention.
func checkMentions(t *testing.T, content string) {
	t.Helper()
	for _, m := range []string{"@everyone", "@here"} {
		if strings.Contains(content, m) {
			t.Fatalf("%s in %q", m, content)
		}
	}
	// readMarkdown fails on an unescaped "<", which would start a user,
	// role or channel mention or a timestamp.
	readMarkdown(t, content)
}

// FuzzEscape: escaped text shows as typed (no markup, no mention), and the
// measure never counts less than the escaping writes.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"**vet** _schuin_ ~~weg~~ `code` ||spoiler|| > quote", "# kop\n- lijst\n-# klein",
		"[link](https://example.com) <@123> <@&4> <#5> <t:1:R> :smile:", "@everyone @here @@everyone @\u200beveryone",
		"\\*\\", "\u202e\u200b\u200d\x00\x1b\r\n", "1. een\n2. twee"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // Discord's texts are UTF-8
		}
		out := escape(s)
		checkMentions(t, out)
		if got := readMarkdown(t, out); strings.ReplaceAll(got, "@\u200b", "@") != strings.ReplaceAll(s, "@\u200b", "@") {
			t.Fatalf("%q shows as %q", s, got)
		}
		if strings.Contains(out, "*") && !strings.Contains(out, `\*`) {
			t.Fatalf("unescaped * in %q", out)
		}
		if n, m := utf8.RuneCountInString(out), measure.Len(bot.Rich{{Text: s}}); n > m {
			t.Fatalf("%q escapes to %d characters, measured %d", s, n, m)
		}
	})
}

// FuzzMarkdown: rich text renders to content that shows its text as
// written, styled only by our markers, pings nobody (also where two spans
// meet), and each part of a split fits the limit and together they lose
// nothing but white space.
func FuzzMarkdown(f *testing.F) {
	f.Add("Ronde 1", uint8(1), ": **niet vet** <@123> @every", uint8(0), "one", uint8(0), uint16(0))
	f.Add("Proposal P1: ", uint8(1), "Adopt the budget.\nDo you consent?", uint8(2), "\n\n# heading\n> quote", uint8(3), uint16(40))
	f.Add(strings.Repeat("ab🙂 ", 30), uint8(2), "\n", uint8(1), strings.Repeat("x\n", 20), uint8(3), uint16(3))
	f.Fuzz(func(t *testing.T, a string, sa uint8, b string, sb uint8, c string, sc uint8, max uint16) {
		var r bot.Rich
		for _, sp := range []bot.Span{{Text: a, Style: bot.Style(sa % 4)}, {Text: b, Style: bot.Style(sb % 4)}, {Text: c, Style: bot.Style(sc % 4)}} {
			if !utf8.ValidString(sp.Text) {
				return
			}
			if sp.Text != "" {
				r = append(r, sp)
			}
		}
		limit := 16 + int(max%300)
		var shown, want strings.Builder
		for _, p := range r.Split(limit, measure) {
			content := toMarkdown(p)
			if n := utf8.RuneCountInString(content); n > limit && strings.TrimSpace(r.Plain()) != "" {
				t.Fatalf("part %q is %d characters, limit %d", content, n, limit)
			}
			checkMentions(t, content)
			shown.WriteString(readMarkdown(t, content))
		}
		norm := func(s string) string {
			return strings.Join(strings.Fields(strings.ReplaceAll(s, "@\u200b", "@")), "")
		}
		want.WriteString(r.Plain())
		if norm(shown.String()) != norm(want.String()) {
			t.Fatalf("%q shows as %q", r, shown.String())
		}
		for _, content := range parts(r) {
			if utf8.RuneCountInString(content) > maxContent {
				t.Fatalf("a part of %d characters", utf8.RuneCountInString(content))
			}
		}
	})
}

// FuzzParseID: parseID takes exactly what chatID and userID write from a
// snowflake, and nothing else.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"dc:123456789012345678", "dc:", "tg:-100123", "dc:12a", "dc:-1", "dc:１２３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		rest, err := parseID(id)
		if err != nil {
			return
		}
		if rest == "" || strings.Trim(rest, "0123456789") != "" || string(chatID(rest)) != id || string(userID(rest)) != id {
			t.Fatalf("parseID(%q) = %q", id, rest)
		}
	})
}
