package web

import (
	"reflect"
	"testing"
)

// Web addresses in a message are links; what ends the sentence around
// them is not part of them, and nothing but http and https is a link.
func TestLinkParts(t *testing.T) {
	link := func(u string) textPart { return textPart{Text: u, URL: u} }
	text := func(s string) textPart { return textPart{Text: s} }
	for _, c := range []struct {
		in   string
		want []textPart
	}{
		{"", []textPart{text("")}},
		{"geen link hier", []textPart{text("geen link hier")}},
		{"Je dashboard: http://127.0.0.1:8080/dashboard?t=d1.aWxzZQ.1788.x-Y_z\nDe link werkt",
			[]textPart{text("Je dashboard: "), link("http://127.0.0.1:8080/dashboard?t=d1.aWxzZQ.1788.x-Y_z"), text("\nDe link werkt")}},
		{"Zie https://example.org/a.", []textPart{text("Zie "), link("https://example.org/a"), text(".")}},
		{"(zie https://example.org/a), of https://example.org/b!", []textPart{text("(zie "), link("https://example.org/a"), text("), of "), link("https://example.org/b"), text("!")}},
		{"https://nl.wikipedia.org/wiki/Sociocratie_(bestuur)", []textPart{link("https://nl.wikipedia.org/wiki/Sociocratie_(bestuur)")}},
		{"HTTPS://EXAMPLE.ORG", []textPart{link("HTTPS://EXAMPLE.ORG")}},
		{"<https://example.org/x>", []textPart{text("<"), link("https://example.org/x"), text(">")}},
		{`"https://example.org/q?a=1&b=2"`, []textPart{text(`"`), link("https://example.org/q?a=1&b=2"), text(`"`)}},
		{"javascript:alert(1) ftp://example.org file:///etc/passwd data:text/html,x", []textPart{text("javascript:alert(1) ftp://example.org file:///etc/passwd data:text/html,x")}},
		{"xhttp://example.org http://. http:///pad", []textPart{text("xhttp://example.org http://. http:///pad")}},
		{"javascript://example.org/%0Aalert(1)", []textPart{text("javascript://example.org/%0Aalert(1)")}},
	} {
		if got := linkParts(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("linkParts(%q) =\n%q\nwant\n%q", c.in, got, c.want)
		}
	}
}
