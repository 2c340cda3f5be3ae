package bot

import (
	"strings"

	"github.com/samen-bot/samen/flows"
)

// Markdown renders lines as a Markdown document, one line each, with a
// blank line around headings. Catalog text is trusted markup; parameter
// values (user text) are escaped, so an answer can never make a heading,
// a link or a list of its own.
func (r *Renderer) Markdown(lines []flows.Line, lang string) string {
	var doc strings.Builder
	for i, line := range lines {
		// Pieces of the same style are joined first, so that a parameter
		// inside bold text stays inside the same **…**.
		var pieces Rich
		r.walk(line, lang, func(text string, style Style, param bool) {
			if param {
				text = escapeMarkdown(text)
			}
			pieces = append(pieces, Span{Text: text, Style: style})
		})
		var b strings.Builder
		for _, sp := range merge(pieces) {
			text, style := sp.Text, sp.Style
			if style == 0 || strings.TrimSpace(text) == "" {
				b.WriteString(text)
				continue
			}
			lead := text[:len(text)-len(strings.TrimLeft(text, " "))]
			trail := text[len(strings.TrimRight(text, " ")):]
			core := strings.TrimSpace(text)
			if style&Italic != 0 {
				core = "*" + core + "*"
			}
			if style&Bold != 0 {
				core = "**" + core + "**"
			}
			b.WriteString(lead + core + trail)
		}
		out := b.String()
		heading := strings.HasPrefix(out, "#")
		if i > 0 && heading && !strings.HasSuffix(doc.String(), "\n\n") {
			doc.WriteString("\n")
		}
		doc.WriteString(out)
		doc.WriteString("\n")
		if heading {
			doc.WriteString("\n")
		}
	}
	return doc.String()
}

// markdownSpecial are the characters that could start Markdown syntax.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `#`, `\#`, `|`, `\|`, "\n", " ",
)

func escapeMarkdown(s string) string { return markdownEscaper.Replace(s) }
