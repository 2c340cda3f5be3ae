package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzLinkParts: the parts put together are the text, every link is an
// http or https address with a host and nothing that could end an HTML
// attribute or start a tag, and a link is its own text.
func FuzzLinkParts(f *testing.F) {
	for _, s := range []string{"", "Je dashboard: http://127.0.0.1:8080/dashboard?t=d1.aWxzZQ.1788.x-Y_z\nDe link werkt",
		"(zie https://example.org/a), of https://example.org/b!", "https://nl.wikipedia.org/wiki/Sociocratie_(bestuur)",
		"javascript:alert(1) ftp://example.org file:///etc/passwd data:text/html,x", "javascript://example.org/%0Aalert(1)",
		"<a href=\"https://example.org\">x</a> https://x.org/\"onmouseover=alert(1)", "https://\u202eevil.org/\u200b http://..", "HTTPS://EXAMPLE.ORG"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		parts := linkParts(text)
		if len(parts) == 0 {
			t.Fatal("no parts")
		}
		var joined strings.Builder
		for _, p := range parts {
			joined.WriteString(p.Text)
			if p.URL == "" {
				continue
			}
			if p.URL != p.Text {
				t.Fatalf("link %q shown as %q", p.URL, p.Text)
			}
			scheme, rest, ok := strings.Cut(p.URL, "://")
			if !ok || !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") || rest == "" {
				t.Fatalf("link %q is not an http(s) address", p.URL)
			}
			if strings.ContainsAny(p.URL, "<>\"' \t\n\r") {
				t.Fatalf("link %q has a character that ends an address", p.URL)
			}
			if u, err := url.Parse(p.URL); err == nil && !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https") {
				t.Fatalf("link %q parses with scheme %q", p.URL, u.Scheme)
			}
		}
		if joined.String() != text {
			t.Fatalf("%q split into %q", text, parts)
		}
	})
}
