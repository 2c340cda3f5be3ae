package bot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/samen-bot/samen/flows"
)

// scriptCommands are the commands people type in the simulate scripts
// ("noor: /new Buurtmoestuin De Kas"), as seeds.
func scriptCommands(tb testing.TB) []string {
	files, err := filepath.Glob("simulate/testdata/*.txt")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no scripts for seeds: %v", err)
	}
	var out []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if _, text, ok := strings.Cut(line, ": /"); ok {
				out = append(out, "/"+text)
			}
		}
	}
	return out
}

// FuzzParseCommand: no text makes parseCommand panic; a command's name is
// 1 to 32 lower-case ASCII letters, digits and underscores, it was at the
// start of the text, and writing the command out again reads back the same.
func FuzzParseCommand(f *testing.F) {
	for _, c := range scriptCommands(f) {
		f.Add(c)
	}
	for _, s := range []string{"", "/", "/@", " \t/start@SamenBot  x ", "/Status@samen_bot", "/help\nmore",
		"/new\u00a0Naam", "/NEW\u200bx", "/a@b@c d", "/x\u202eevil", "hello /new", "/😀", "/ab\tcd ef"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, ok := parseCommand(text)
		trimmed := strings.TrimLeftFunc(text, unicode.IsSpace)
		if !ok {
			if c != (parsedCommand{}) {
				t.Fatalf("not a command, but %+v", c)
			}
			return
		}
		if c.Name == "" || len(c.Name) > 32 {
			t.Fatalf("name %q", c.Name)
		}
		for _, r := range c.Name {
			if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z') {
				t.Fatalf("name %q has %q", c.Name, r)
			}
		}
		if !strings.HasPrefix(strings.ToLower(trimmed), "/"+c.Name) {
			t.Fatalf("%q read as /%s", text, c.Name)
		}
		if strings.ContainsFunc(c.To, unicode.IsSpace) {
			t.Fatalf("addressee %q has white space", c.To)
		}
		if c.Args != strings.TrimSpace(c.Args) {
			t.Fatalf("args %q not trimmed", c.Args)
		}
		again := "/" + c.Name
		if c.To != "" {
			again += "@" + c.To
		}
		if c.Args != "" {
			again += " " + c.Args
		}
		c2, ok := parseCommand(again)
		if !ok || c2 != c {
			t.Fatalf("%q read as %+v; written out as %q it reads as %+v (%v)", text, c, again, c2, ok)
		}
		if w, rest := firstWord(c.Args); strings.ContainsFunc(w, unicode.IsSpace) || len(w)+len(rest) > len(c.Args) {
			t.Fatalf("firstWord(%q) = %q, %q", c.Args, w, rest)
		}
	})
}

var fuzzKey = []byte("fuzz key, not a secret")

// realIntents are intents as the engine puts them on buttons.
var realIntents = []flows.Intent{
	{Do: flows.DoJoin, Process: "FWFWMP", Group: "g1"},
	{Do: flows.DoAnswer, Process: "FWFWMP", N: 3, Arg: "anon"},
	{Do: flows.DoVote, Process: "K7QX2A", N: 1, Group: "g2", Arg: "objection"},
	{Do: flows.DoResolve, Process: "K7QX2A", N: 12, Arg: "3"},
	{Do: flows.DoStuck, Process: "K7QX2A", N: 2, Arg: "mediation"},
	{Do: flows.DoForm, Process: "FWFWMP", Arg: "objection/1"},
	{Do: flows.DoTemplate, Process: "FWFWMP", Arg: "kort"},
	{Do: flows.DoWithdraw, N: -1},
}

// FuzzButtonDecode: no data makes Decode panic, and Decode accepts only
// what Encode wrote with the key: whatever it reads encodes back to the
// very same data (so a client can neither forge nor alter a button).
func FuzzButtonDecode(f *testing.F) {
	codec := ButtonCodec{Key: fuzzKey}
	for _, in := range realIntents {
		data, err := codec.Encode(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(strings.Replace(data, "|", "||", 1))
		f.Add(data[:len(data)-1])
	}
	f.Add("")
	f.Add("~")
	f.Add("vote|P|+1|g|consent~AAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, data string) {
		in, ok := codec.Decode(data)
		if !ok {
			if in != (flows.Intent{}) {
				t.Fatalf("refused %q but returned %+v", data, in)
			}
			return
		}
		again, err := codec.Encode(in)
		if err != nil || again != data {
			t.Fatalf("accepted %q as %+v, which Encode writes as %q (%v)", data, in, again, err)
		}
	})
}

// FuzzButtonRoundTrip: every intent Encode accepts decodes to itself;
// changing any byte of its data, cutting it short, lengthening it, or
// reading it with another key or as another person's link is refused.
func FuzzButtonRoundTrip(f *testing.F) {
	for i, in := range realIntents {
		f.Add(in.Do, in.Process, in.N, string(in.Group), in.Arg, uint(i*7), byte(i+1))
	}
	f.Add("vote", "P|Q", 1, "g", "x~y", uint(0), byte(1))
	f.Add("answer", "FWFWMP\u202e", 1<<62, "g\x00", "zero\u200bwidth", uint(3), byte(0x80))
	codec := ButtonCodec{Key: fuzzKey}
	other := ButtonCodec{Key: append([]byte("other "), fuzzKey...)}
	f.Fuzz(func(t *testing.T, do, process string, n int, group, arg string, at uint, flip byte) {
		in := flows.Intent{Do: do, Process: process, N: n, Group: flows.GroupID(group), Arg: arg}
		data, err := codec.Encode(in)
		if err != nil {
			if !strings.ContainsAny(do+process+group+arg, "|~") {
				t.Fatalf("Encode(%+v): %v", in, err)
			}
			return
		}
		if strings.ContainsAny(do+process+group+arg, "|~") {
			t.Fatalf("Encode(%+v) = %q, though a field holds a separator", in, data)
		}
		if got, ok := codec.Decode(data); !ok || got != in {
			t.Fatalf("Encode(%+v) = %q decodes as %+v, %v", in, data, got, ok)
		}
		if flip == 0 {
			flip = 1
		}
		b := []byte(data)
		i := int(at % uint(len(b)))
		b[i] ^= flip
		if got, ok := codec.Decode(string(b)); ok {
			t.Fatalf("%q with byte %d changed (%q) accepted as %+v", data, i, b, got)
		}
		if _, ok := codec.Decode(data[:i]); ok {
			t.Fatalf("%q cut to %q accepted", data, data[:i])
		}
		if _, ok := codec.Decode(data + string(rune('a'+flip%26))); ok {
			t.Fatalf("%q lengthened accepted", data)
		}
		if _, ok := other.Decode(data); ok {
			t.Fatalf("%q accepted with another key", data)
		}
		mine, err := codec.ForUser("tg:1").Encode(in)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := codec.ForUser("tg:2").Decode(mine); ok {
			t.Fatalf("%q for one person accepted for another", mine)
		}
		if _, ok := codec.Decode(mine); ok {
			t.Fatalf("%q for one person accepted as a button", mine)
		}
	})
}

// fuzzRich makes rich text of three spans from fuzzed pieces.
func fuzzRich(a string, sa uint8, b string, sb uint8, c string, sc uint8) Rich {
	var r Rich
	for _, sp := range []Span{{a, Style(sa % 4)}, {b, Style(sb % 4)}, {c, Style(sc % 4)}} {
		if sp.Text != "" {
			r = append(r, sp)
		}
	}
	return r
}

// styledRunes is r's text without white space, each character with its
// style: what no split may lose or change.
func styledRunes(r Rich) []Span {
	var out []Span
	for _, sp := range r {
		for _, c := range sp.Text {
			if !unicode.IsSpace(c) {
				out = append(out, Span{string(c), sp.Style})
			}
		}
	}
	return out
}

// FuzzSplit: a split never exceeds the limit, never cuts inside a
// character, never leaves a blank part, and loses or restyles no
// character but white space at the cuts.
func FuzzSplit(f *testing.F) {
	f.Add("Ronde 1: wat vind je van het hek?\n\n", uint8(1), "Noor: het hek moet 's nachts dicht.\nAns: ", uint8(0), "😀 \u202etxet\u200b", uint8(2), uint16(20), true)
	f.Add(strings.Repeat("lang woord ", 40), uint8(0), "\n\n\n", uint8(3), strings.Repeat("x", 90), uint8(3), uint16(16), false)
	units := []Measure{{Rune: func(rune) int { return 1 }}, {Rune: utf8.RuneLen, Styled: 6}}
	f.Fuzz(func(t *testing.T, a string, sa uint8, b string, sb uint8, c string, sc uint8, max uint16, bytes bool) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) || !utf8.ValidString(c) {
			return // texts arrive as UTF-8 from every platform
		}
		r := fuzzRich(a, sa, b, sb, c, sc)
		m := units[0]
		if bytes {
			m = units[1]
		}
		limit := 16 + int(max%512)
		parts := r.Split(limit, m)
		if len(parts) == 0 {
			t.Fatal("no parts")
		}
		var got []Span
		for _, p := range parts {
			if n := m.Len(p); n > limit && strings.TrimSpace(r.Plain()) != "" {
				t.Fatalf("part of %d units, limit %d: %q", n, limit, p)
			}
			if len(parts) > 1 && strings.TrimSpace(p.Plain()) == "" {
				t.Fatalf("blank part %q", p)
			}
			for _, sp := range p {
				if !utf8.ValidString(sp.Text) {
					t.Fatalf("cut inside a character: %q", sp.Text)
				}
			}
			got = append(got, styledRunes(p)...)
		}
		want := styledRunes(r)
		if len(got) != len(want) {
			t.Fatalf("split of %q into %q lost or added text", r, parts)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("character %d: %+v became %+v", i, want[i], got[i])
			}
		}
	})
}
