package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/samen-bot/samen/bot"
)

// recordData is the printable record.
type recordData struct {
	Title string
	Lines []bot.Rich
	// Printed is when the page was made, in the process's time zone.
	Printed string
}

// record loads the record for the request's facilitator; on failure it
// has answered the request and returns ok false.
func (d *Dashboard) record(w http.ResponseWriter, r *http.Request) (title, markdown string, lines []bot.Rich, ok bool) {
	u, _, err := d.who(r)
	if err != nil {
		d.refuse(w, r, err)
		return "", "", nil, false
	}
	title, markdown, lines, err = d.core.Record(r.Context(), r.PathValue("id"), u)
	if err != nil {
		d.fail(w, r, err)
		return "", "", nil, false
	}
	return title, markdown, lines, true
}

// recordMarkdown serves the record as a Markdown file, the same as
// /export sends.
func (d *Dashboard) recordMarkdown(w http.ResponseWriter, r *http.Request) {
	_, markdown, _, ok := d.record(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="verslag-`+fileSafe(r.PathValue("id"))+`.md"`)
	_, _ = w.Write([]byte(markdown))
}

// recordHTML serves the record as a page made for printing.
func (d *Dashboard) recordHTML(w http.ResponseWriter, r *http.Request) {
	title, _, lines, ok := d.record(w, r)
	if !ok {
		return
	}
	d.render(w, r, "record", recordData{Title: title, Lines: lines, Printed: time.Now().Format("2006-01-02 15:04")})
}

// recordPDF serves the record as PDF, printed by Chromium from the same
// page as recordHTML.
func (d *Dashboard) recordPDF(w http.ResponseWriter, r *http.Request) {
	if d.opts.Chromium == "" {
		w.WriteHeader(http.StatusNotFound)
		d.render(w, r, "message", messageData{Title: "Geen PDF op deze server", Text: "Deze server heeft geen Chromium om PDF te maken. Open de afdrukbare pagina en kies Afdrukken → Opslaan als PDF in je browser."})
		return
	}
	title, _, lines, ok := d.record(w, r)
	if !ok {
		return
	}
	var page bytes.Buffer
	if err := dashboardTemplate.ExecuteTemplate(&page, "record", recordData{Title: title, Lines: lines, Printed: time.Now().Format("2006-01-02 15:04")}); err != nil {
		d.fail(w, r, err)
		return
	}
	pdf, err := printPDF(r.Context(), d.opts.Chromium, page.Bytes())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="verslag-`+fileSafe(r.PathValue("id"))+`.pdf"`)
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
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--no-pdf-header-footer",
		"--print-to-pdf="+out, "file://"+in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("print the record with %s: %w (%s)", chromium, err, lastLine(stderr.String()))
	}
	pdf, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		return nil, fmt.Errorf("print the record with %s: no PDF written (%s)", chromium, lastLine(stderr.String()))
	}
	return pdf, nil
}

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
