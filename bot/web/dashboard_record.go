package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// recordData is the printable record.
type recordData struct {
	words
	Title  string
	Blocks []recordBlock
	// Printed is when the page was made, in the process's time zone.
	Printed string
}

// recordBlock is a part of the printable record: a heading (Heading 1 to
// 4, its text in Text), a list (Items), or a paragraph (Text).
type recordBlock struct {
	Heading int
	Text    bot.Rich
	Items   []bot.Rich
}

// recordBlocks lays out the record's lines, which are written as Markdown
// (the record is a Markdown file too): "# " and deeper start headings,
// "- " and "• " list items, and an indented line goes on with the item
// before it.
func recordBlocks(lines []bot.Rich) []recordBlock {
	var blocks []recordBlock
	for _, l := range lines {
		plain := l.Plain()
		level := len(plain) - len(strings.TrimLeft(plain, "#"))
		switch {
		case level >= 1 && level <= 4 && strings.HasPrefix(plain[level:], " "):
			blocks = append(blocks, recordBlock{Heading: level, Text: trimRich(l, level+1)})
		case strings.HasPrefix(plain, "- ") || strings.HasPrefix(plain, "• "):
			_, rest, _ := strings.Cut(plain, " ")
			item := trimRich(l, len(plain)-len(rest))
			if n := len(blocks); n > 0 && blocks[n-1].Items != nil {
				blocks[n-1].Items = append(blocks[n-1].Items, item)
			} else {
				blocks = append(blocks, recordBlock{Items: []bot.Rich{item}})
			}
		case strings.HasPrefix(plain, "  ") && len(blocks) > 0 && blocks[len(blocks)-1].Items != nil:
			items := blocks[len(blocks)-1].Items
			last := &items[len(items)-1]
			*last = append(append(slices.Clip(*last), bot.Span{Text: "\n"}), trimRich(l, len(plain)-len(strings.TrimLeft(plain, " ")))...)
		default:
			blocks = append(blocks, recordBlock{Text: l})
		}
	}
	return blocks
}

// trimRich drops the first n bytes of r's text.
func trimRich(r bot.Rich, n int) bot.Rich {
	var out bot.Rich
	for _, sp := range r {
		if n >= len(sp.Text) {
			n -= len(sp.Text)
			continue
		}
		sp.Text = sp.Text[n:]
		n = 0
		out = append(out, sp)
	}
	return out
}

// record loads the record for the request's facilitator; on failure it
// has answered the request and returns nil.
func (d *Dashboard) record(w http.ResponseWriter, r *http.Request) *bot.RecordView {
	s, err := d.session(r)
	if err != nil {
		d.refuse(w, r, "", err)
		return nil
	}
	rec, err := d.core.Record(r.Context(), r.PathValue("id"), s.user)
	if err != nil {
		d.fail(w, r, d.personLang(r.Context(), s.user), err)
		return nil
	}
	return rec
}

// recordFile is the name of a record's file: "verslag-<code>.md" in
// Dutch.
func (d *Dashboard) recordFile(rec *bot.RecordView, r *http.Request, ext string) string {
	return fileSafe(newWords(d.core.Renderer(), rec.Lang).text(flows.WebRecordFile)+"-"+r.PathValue("id")) + ext
}

// recordPage is the printable record's data.
func (d *Dashboard) recordPage(rec *bot.RecordView) recordData {
	return recordData{words: newWords(d.core.Renderer(), rec.Lang), Title: rec.Title, Blocks: recordBlocks(rec.Lines), Printed: rec.Made.Format("2006-01-02 15:04")}
}

// recordMarkdown serves the record as a Markdown file, the same as
// /export sends.
func (d *Dashboard) recordMarkdown(w http.ResponseWriter, r *http.Request) {
	rec := d.record(w, r)
	if rec == nil {
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.recordFile(rec, r, ".md")+`"`)
	_, _ = w.Write([]byte(rec.Markdown))
}

// recordHTML serves the record as a page made for printing.
func (d *Dashboard) recordHTML(w http.ResponseWriter, r *http.Request) {
	rec := d.record(w, r)
	if rec == nil {
		return
	}
	d.render(w, r, "record", d.recordPage(rec))
}

// recordPDF serves the record as PDF, printed by Chromium from the same
// page as recordHTML.
func (d *Dashboard) recordPDF(w http.ResponseWriter, r *http.Request) {
	// The record first: who may not read it learns nothing, not even
	// whether this server prints.
	rec := d.record(w, r)
	if rec == nil {
		return
	}
	if d.opts.Chromium == "" {
		d.message(w, r, http.StatusNotFound, rec.Lang, flows.WebDashboardNoPdfTitle, flows.WebDashboardNoPdf)
		return
	}
	// One browser at a time: a PDF is rare, a browser is heavy, and
	// anyone can become a facilitator of a process of their own.
	select {
	case d.printing <- struct{}{}:
		defer func() { <-d.printing }()
	default:
		w.Header().Set("Retry-After", "30")
		d.message(w, r, http.StatusServiceUnavailable, rec.Lang, flows.WebDashboardBusyTitle, flows.WebDashboardBusy)
		return
	}
	var page bytes.Buffer
	if err := dashboardTemplate.ExecuteTemplate(&page, "record", d.recordPage(rec)); err != nil {
		d.fail(w, r, rec.Lang, err)
		return
	}
	pdf, err := printPDF(r.Context(), d.opts.Chromium, page.Bytes())
	if err != nil {
		d.fail(w, r, rec.Lang, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.recordFile(rec, r, ".pdf")+`"`)
	_, _ = w.Write(pdf)
}

// printPDF prints an HTML page to PDF with headless Chromium. The page
// comes from a file and its own Content-Security-Policy allows no script
// and no network, so the browser only lays out text we escaped.
func printPDF(ctx context.Context, chromium string, page []byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "samen-pdf-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "record.html"), filepath.Join(dir, "record.pdf")
	if err := os.WriteFile(in, page, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--no-pdf-header-footer",
		"--print-to-pdf="+out, "file://"+in)
	stderr := &tailBuffer{max: 4096}
	cmd.Stderr = stderr
	// The browser's helpers inherit stderr: on a timeout the whole group is
	// killed, and Wait gives up on the pipe soon after.
	inOwnGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("print the record with %s: %w (%s)", chromium, err, lastLine(stderr.String()))
	}
	pdf, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		return nil, fmt.Errorf("print the record with %s: no PDF written (%s)", chromium, lastLine(stderr.String()))
	}
	return pdf, nil
}

// pdfTimeout bounds one print; it stays well under the web server's
// write timeout, so a slow print gets an answer, not a cut connection.
const pdfTimeout = 30 * time.Second

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.buf) }

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// fileSafe keeps a process code fit for a file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, s)
}
