package telegramtest

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseHTML(t *testing.T) {
	tests := []struct {
		in       string
		plain    string
		entities []Entity
		err      string // substring of the error; "" for none
	}{
		{in: "plain", plain: "plain"},
		{in: "<b>bold</b> and <i>it</i>", plain: "bold and it", entities: []Entity{
			{Type: "bold", Offset: 0, Length: 4}, {Type: "italic", Offset: 9, Length: 2}}},
		{in: "<STRONG>x</STRONG><em>y</em><u>z</u><ins>w</ins>", plain: "xyzw", entities: []Entity{
			{Type: "bold", Offset: 0, Length: 1}, {Type: "italic", Offset: 1, Length: 1},
			{Type: "underline", Offset: 2, Length: 1}, {Type: "underline", Offset: 3, Length: 1}}},
		{in: "<s>a</s><strike>b</strike><del>c</del>", plain: "abc", entities: []Entity{
			{Type: "strikethrough", Offset: 0, Length: 1}, {Type: "strikethrough", Offset: 1, Length: 1},
			{Type: "strikethrough", Offset: 2, Length: 1}}},
		{in: `<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>`, plain: "st", entities: []Entity{
			{Type: "spoiler", Offset: 0, Length: 1}, {Type: "spoiler", Offset: 1, Length: 1}}},
		{in: `<a href="https://example.org/?a=1&amp;b=2">link</a>`, plain: "link", entities: []Entity{
			{Type: "text_link", Offset: 0, Length: 4, URL: "https://example.org/?a=1&b=2"}}},
		{in: `<a href='tg://user?id=1'>me</a>`, plain: "me", entities: []Entity{
			{Type: "text_link", Offset: 0, Length: 2, URL: "tg://user?id=1"}}},
		{in: "<code>x &lt; y</code>", plain: "x < y", entities: []Entity{{Type: "code", Offset: 0, Length: 5}}},
		{in: `<pre><code class="language-go">f()</code></pre>`, plain: "f()", entities: []Entity{
			{Type: "pre", Offset: 0, Length: 3, Language: "go"}}},
		{in: "<pre>p</pre>", plain: "p", entities: []Entity{{Type: "pre", Offset: 0, Length: 1}}},
		{in: "<blockquote>q</blockquote><blockquote expandable>r</blockquote>", plain: "qr", entities: []Entity{
			{Type: "blockquote", Offset: 0, Length: 1}, {Type: "expandable_blockquote", Offset: 1, Length: 1}}},
		{in: `<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`, plain: "👍", entities: []Entity{
			{Type: "custom_emoji", Offset: 0, Length: 2, CustomEmojiID: "5368324170671202286"}}},
		{in: "&lt;&gt;&amp;&quot;&#65;&#x42;", plain: `<>&"AB`},
		{in: "a > b", plain: "a > b"},
		// UTF-16 offsets: 😀 is two code units.
		{in: "😀 <b>é😀</b>", plain: "😀 é😀", entities: []Entity{{Type: "bold", Offset: 3, Length: 3}}},
		{in: "<b>outer <i>inner</i></b>", plain: "outer inner", entities: []Entity{
			{Type: "bold", Offset: 0, Length: 11}, {Type: "italic", Offset: 6, Length: 5}}},
		{in: "<b></b>empty", plain: "empty"},
		{in: "<b>x</>", plain: "x", entities: []Entity{{Type: "bold", Offset: 0, Length: 1}}},
		{in: "  <b> padded </b>  ", plain: "padded", entities: []Entity{{Type: "bold", Offset: 0, Length: 6}}},

		{in: "a < b", err: `Unsupported start tag "" at byte offset 2`},
		{in: "x <br> y", err: `Unsupported start tag "br" at byte offset 2`},
		{in: "<script>alert(1)</script>", err: `Unsupported start tag "script"`},
		{in: "<b>unclosed", err: `Can't find end tag corresponding to start tag "b"`},
		{in: "<b>x</i>", err: `Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`},
		{in: "x</b>", err: "Unexpected end tag at byte offset 1"},
		{in: "<b", err: "Unclosed start tag"},
		{in: `<a href="x>y`, err: "Unclosed end of attribute value"},
		{in: `<span>x</span>`, err: `Tag "span" must have class "tg-spoiler"`},
		{in: `<b class>x</b>`, err: "Expected equal sign"},
		{in: "Tom & Jerry", err: `character "&" at byte offset 4`},
		{in: "&nbsp;", err: `character "&"`},
		{in: "&#xD800;", err: `character "&"`},
	}
	for _, tt := range tests {
		plain, entities, err := parseHTML(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseHTML(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseHTML(%q): %v", tt.in, err)
			continue
		}
		plain, entities = trimText(plain, entities)
		if plain != tt.plain || !reflect.DeepEqual(entities, tt.entities) {
			t.Errorf("parseHTML(%q) = %q %+v, want %q %+v", tt.in, plain, entities, tt.plain, tt.entities)
		}
	}
}

func TestAutoEntities(t *testing.T) {
	tests := []struct {
		in   string
		want []Entity
	}{
		{"/propose@DelibBot Adopt the budget", []Entity{{Type: "bot_command", Offset: 0, Length: 17}}},
		{"/start reflect_p1", []Entity{{Type: "bot_command", Offset: 0, Length: 6}}},
		{"/start", []Entity{{Type: "bot_command", Offset: 0, Length: 6}}},
		{"héllo 😀 /status now", []Entity{{Type: "bot_command", Offset: 9, Length: 7}}},
		{"ask @alice_b please", []Entity{{Type: "mention", Offset: 4, Length: 8}}},
		{"a/b and / alone, mail@host", nil},
	}
	for _, tt := range tests {
		if got := autoEntities(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("autoEntities(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
