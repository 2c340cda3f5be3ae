package telegram

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
	"github.com/samen-bot/samen/flows"
)

// richOf makes rich text of three spans from fuzzed pieces.
func richOf(a string, sa uint8, b string, sb uint8, c string, sc uint8) bot.Rich {
	var r bot.Rich
	for _, sp := range []bot.Span{{Text: a, Style: bot.Style(sa % 4)}, {Text: b, Style: bot.Style(sb % 4)}, {Text: c, Style: bot.Style(sc % 4)}} {
		if sp.Text != "" {
			r = append(r, sp)
		}
	}
	return r
}

// checkHTML asserts that html, rendered from r, is what Telegram reads as
// r: only <b> and <i>, every &, < and > of the text escaped, the same text
// after parsing, bold and italic exactly where r has them.
func checkHTML(t *testing.T, r bot.Rich, html string) {
	t.Helper()
	for i := 0; i < len(html); i++ {
		switch html[i] {
		case '<':
			tag, _, ok := strings.Cut(html[i:], ">")
			if !ok || !map[string]bool{"<b": true, "</b": true, "<i": true, "</i": true}[tag] {
				t.Fatalf("tag %q in %q", tag, html)
			}
		case '>':
			if i == 0 || html[i-1] != 'b' && html[i-1] != 'i' {
				t.Fatalf("unescaped > at %d in %q", i, html)
			}
		case '&':
			if !strings.HasPrefix(html[i:], "&amp;") && !strings.HasPrefix(html[i:], "&lt;") && !strings.HasPrefix(html[i:], "&gt;") &&
				!strings.HasPrefix(html[i:], "&#34;") && !strings.HasPrefix(html[i:], "&#39;") {
				t.Fatalf("unescaped & at %d in %q", i, html)
			}
		}
	}
	text, entities, err := telegramtest.ParseHTML(html)
	if err != nil {
		t.Fatalf("Telegram cannot parse %q: %v", html, err)
	}
	if text != r.Plain() {
		t.Fatalf("Telegram reads %q as %q, want %q", html, text, r.Plain())
	}
	if n := utf16Len(text); n != textLength(r) {
		t.Fatalf("textLength %d, Telegram counts %d", textLength(r), n)
	}
	// The style of every UTF-16 unit, as written and as Telegram reads it.
	var want []bot.Style
	for _, sp := range r {
		for _, c := range sp.Text {
			for range utf16.RuneLen(c) {
				want = append(want, sp.Style)
			}
		}
	}
	got := make([]bot.Style, len(want))
	for _, e := range entities {
		var s bot.Style
		switch e.Type {
		case "bold":
			s = bot.Bold
		case "italic":
			s = bot.Italic
		default:
			t.Fatalf("entity %+v in %q", e, html)
		}
		for i := e.Offset; i < e.Offset+e.Length; i++ {
			got[i] |= s
		}
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("unit %d of %q styled %d, want %d (entities %+v)", i, html, got[i], want[i], entities)
		}
	}
}

// FuzzHTML: rich text with any text in it, a participant's "<b>", "&amp;"
// or "</i>" included, renders to HTML that Telegram's parser accepts and
// reads back as exactly that text in exactly those styles; each part of a
// split does too, within the limit, and the parts together lose nothing
// but white space at the cuts.
func FuzzHTML(f *testing.F) {
	f.Add("Ronde 1", uint8(1), ": <b>niet vet</b> & \"quotes\" 🙂 <script>", uint8(0), "", uint8(0), uint16(0))
	f.Add("Proposal P1: ", uint8(1), "Adopt the budget. Do you consent?", uint8(2), "\n\n/propose@DelibBot Adopt the revised budget", uint8(3), uint16(40))
	f.Add("&amp; &lt; &#34; &#x1F600; &", uint8(3), "</b></i><i>", uint8(1), "\u202e\u200b\u200d\x00\x1b", uint8(2), uint16(7))
	f.Add(strings.Repeat("ab🙂 ", 30), uint8(2), "\n", uint8(1), strings.Repeat("x\n", 20), uint8(0), uint16(3))
	f.Fuzz(func(t *testing.T, a string, sa uint8, b string, sb uint8, c string, sc uint8, max uint16) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) || !utf8.ValidString(c) {
			return // Telegram's texts are UTF-8
		}
		r := richOf(a, sa, b, sb, c, sc)
		checkHTML(t, r, toHTML(r))
		limit := 8 + int(max%300)
		parts := split(r, limit)
		var got, want strings.Builder
		for _, p := range parts {
			if n := textLength(p); n > limit && strings.TrimSpace(r.Plain()) != "" {
				t.Fatalf("part of %d units, limit %d", n, limit)
			}
			checkHTML(t, p, toHTML(p))
			got.WriteString(strings.Join(strings.Fields(p.Plain()), ""))
		}
		want.WriteString(strings.Join(strings.Fields(r.Plain()), ""))
		if got.String() != want.String() {
			t.Fatalf("split of %q lost text: %q", r, parts)
		}
	})
}

// FuzzStartPayload: no deep-link payload makes fromStartPayload panic; a
// payload it accepts was made for that person with the key; a payload made
// for one person opens nothing for another, nor with a byte changed.
func FuzzStartPayload(f *testing.F) {
	c := buttonCodec{key: []byte("0123456789abcdef0123456789abcdef")}
	for _, in := range []flows.Intent{
		{Do: flows.DoAnswer, Process: "FWFWMP", N: 3, Arg: "anon"},
		{Do: flows.DoJoin, Process: "FWFWMP", Group: "g12"},
		{Do: flows.DoVote, Process: "K7QX2A", N: 1, Arg: "objection"},
	} {
		f.Add(c.startPayload(in, 42), int64(42), uint(5))
	}
	f.Add("reflect_p1", int64(7), uint(0))
	f.Add("", int64(-1), uint(0))
	f.Fuzz(func(t *testing.T, p string, user int64, at uint) {
		in, ok := c.fromStartPayload(p, user)
		if !ok {
			return
		}
		again := c.startPayload(in, user)
		if got, ok := c.fromStartPayload(again, user); !ok || got != in {
			t.Fatalf("%q read as %+v, which writes as %q", p, in, again)
		}
		if _, ok := c.fromStartPayload(p, user+1); ok {
			t.Fatalf("%q opens for %d and %d", p, user, user+1)
		}
		b := []byte(again)
		i := int(at % uint(len(b)))
		b[i] ^= 0x20
		if _, ok := c.fromStartPayload(string(b), user); ok && string(b) != again {
			// Base64's last character may carry bits that decode to the
			// same bytes; the data itself must be unchanged then.
			d1, d2 := decodeB64(again), decodeB64(string(b))
			if d1 != d2 {
				t.Fatalf("%q with byte %d changed accepted", again, i)
			}
		}
	})
}

func decodeB64(s string) string {
	data, _ := base64.RawURLEncoding.DecodeString(s)
	return string(data)
}
