package telegram

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

func TestButtonDataIsSignedAndFits(t *testing.T) {
	c := buttonCodec{key: []byte("0123456789abcdef0123456789abcdef")}
	// The longest intents the engine makes: a template's name, a stuck
	// option, a proposal's version.
	intents := []flows.Intent{
		{Do: flows.DoTemplate, Process: "FWFWMP", Arg: "samenlevingsproces"},
		{Do: flows.DoStuck, Process: "FWFWMP", N: 12, Arg: "working_group"},
		{Do: flows.DoResolve, Process: "FWFWMP", N: 123, Arg: "12"},
		{Do: flows.DoJoin, Process: "FWFWMP", Group: "g12"},
		{Do: flows.DoAnswer, Process: "FWFWMP", N: 99, Arg: "anon"},
	}
	for _, in := range intents {
		data, err := c.encode(in)
		if err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
		if len(data) > maxCallbackData {
			t.Errorf("%+v: %d bytes", in, len(data))
		}
		got, ok := c.decode(data)
		if !ok || got != in {
			t.Errorf("round trip of %+v gave %+v, %v", in, got, ok)
		}
		// Any change to the data, or another key, is refused.
		tampered := strings.Replace(data, in.Process, "AAAAAA", 1)
		if _, ok := c.decode(tampered); ok {
			t.Errorf("tampered data %q accepted", tampered)
		}
		if _, ok := (buttonCodec{key: []byte("another key")}).decode(data); ok {
			t.Error("data signed with another key accepted")
		}
	}
	for _, bad := range []string{"", "~", "answer|P|1||~", "not even close", strings.Repeat("x", 64)} {
		if _, ok := c.decode(bad); ok {
			t.Errorf("decode(%q) accepted", bad)
		}
	}
	if _, err := c.encode(flows.Intent{Do: "x", Arg: strings.Repeat("a", 60)}); err == nil {
		t.Error("an intent over 64 bytes was encoded")
	}
	if _, err := c.encode(flows.Intent{Do: "x", Arg: "a|b"}); err == nil {
		t.Error("a separator inside a field was encoded")
	}
	answer := flows.Intent{Do: flows.DoAnswer, Process: "FWFWMP", N: 3, Arg: "anon"}
	p := c.startPayload(answer, 42)
	if p == "" || len(p) > maxStartPayload || strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
		t.Fatalf("start payload %q", p)
	}
	if got, ok := c.fromStartPayload(p, 42); !ok || got != answer {
		t.Errorf("start payload round trip: %+v %v", got, ok)
	}
	if _, ok := c.fromStartPayload(p, 43); ok {
		t.Error("a deep link worked for someone it was not made for")
	}
}

func TestHTMLEscapesEverythingUsersWrite(t *testing.T) {
	r := bot.Rich{{Text: "Ronde 1", Style: bot.Bold}, {Text: ": <b>niet vet</b> & \"quotes\" 🙂 <script>"}}
	got := toHTML(r)
	want := "<b>Ronde 1</b>: &lt;b&gt;niet vet&lt;/b&gt; &amp; &#34;quotes&#34; 🙂 &lt;script&gt;"
	if got != want {
		t.Errorf("toHTML\n got %s\nwant %s", got, want)
	}
}

func TestSplitKeepsParagraphsAndLimits(t *testing.T) {
	para := strings.Repeat("woord ", 300) // 1800 characters
	long := bot.Rich{{Text: "Kop\n\n", Style: bot.Bold}, {Text: para + "\n\n" + para + "\n\n" + para}}
	parts := split(long, maxText)
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
	total := 0
	for _, p := range parts {
		if n := textLength(p); n > maxText {
			t.Errorf("a part of %d characters", n)
		}
		total += len(strings.ReplaceAll(p.Plain(), "\n", ""))
	}
	if want := len(strings.ReplaceAll(long.Plain(), "\n", "")); total != want {
		t.Errorf("split lost text: %d of %d characters", total, want)
	}
	// 5,000 characters without a break, with emoji (two UTF-16 units each).
	wall := bot.Rich{{Text: strings.Repeat("ab🙂", 1250)}}
	parts = split(wall, maxText)
	var joined strings.Builder
	for _, p := range parts {
		if n := textLength(p); n > maxText {
			t.Errorf("a part of %d UTF-16 units", n)
		}
		if !utf8.ValidString(p.Plain()) {
			t.Error("a cut inside a character")
		}
		joined.WriteString(p.Plain())
	}
	if joined.String() != wall.Plain() {
		t.Error("the wall of text changed in the split")
	}
}

func TestLimiterKeepsTelegramsPace(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := newLimiter(Limits{PerChat: time.Second, PerGroupMinute: 3, GlobalPerSecond: 2}, func() time.Time { return now })
	if d := l.reserve(-1, true); d != 0 {
		t.Fatalf("first send waits %v", d)
	}
	if d := l.reserve(-1, true); d != time.Second {
		t.Errorf("second send to the same chat waits %v, want 1s", d)
	}
	if d := l.reserve(-2, true); d != 0 {
		t.Errorf("another chat waits %v", d)
	}
	if d := l.reserve(-3, true); d != time.Second || !l.globalOnly(-3, true) {
		t.Errorf("third send in a second waits %v (global only %v), want 1s on the global limit", d, l.globalOnly(-3, true))
	}
	now = now.Add(time.Second)
	l.reserve(-1, true)
	now = now.Add(time.Second)
	l.reserve(-1, true)
	now = now.Add(time.Second)
	if d := l.reserve(-1, true); d != 57*time.Second {
		t.Errorf("a fourth send to a group within a minute waits %v, want 57s", d)
	}
	l.block(-4, 7*time.Second)
	if d := l.reserve(-4, true); d != 7*time.Second {
		t.Errorf("a chat told to wait 7s waits %v", d)
	}
}

func TestIDs(t *testing.T) {
	for _, tt := range []struct {
		chat   int64
		thread int
		id     flows.ChatID
	}{{-1001234567890, 0, "tg:-1001234567890"}, {-1001234567890, 7, "tg:-1001234567890/7"}, {111, 0, "tg:111"}} {
		if got := chatID(tt.chat, tt.thread); got != tt.id {
			t.Errorf("chatID = %s, want %s", got, tt.id)
		}
		c, th, err := parseChat(string(tt.id))
		if err != nil || c != tt.chat || th != tt.thread {
			t.Errorf("parseChat(%s) = %d %d %v", tt.id, c, th, err)
		}
	}
	if _, _, err := parseChat("dc:123"); err == nil {
		t.Error("a Discord id read as Telegram's")
	}
}
