package bot

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/samen-bot/samen/flows"
)

// Export renders the record (verslag) of a process as Markdown in lang.
func (b *Bot) Export(ctx context.Context, process, lang string) (string, error) {
	p, events, err := b.history(ctx, process)
	if err != nil {
		return "", err
	}
	lang = flows.PersonalLocale(lang, p.Locale())
	if !flows.ValidLanguage(lang) && lang != p.Locale() {
		lang = p.Locale()
	}
	return b.render.Markdown(flows.Report(p, events, b.env("")), lang), nil
}

// history loads a process's state and its whole log.
func (b *Bot) history(ctx context.Context, process string) (*flows.Process, []flows.Event, error) {
	p, err := b.load(ctx, process)
	if err != nil {
		return nil, nil, err
	}
	events, err := b.events(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	return p, events, nil
}

// events reads p's whole log, up to p's version.
func (b *Bot) events(ctx context.Context, p *flows.Process) ([]flows.Event, error) {
	process := p.ID
	var events []flows.Event
	for from := int64(1); from <= p.Version; {
		raw, err := b.store.ReadLog(ctx, process, from, 1000)
		if err != nil {
			return nil, fmt.Errorf("read log of %s: %w", process, err)
		}
		if len(raw) == 0 {
			break
		}
		for _, r := range raw {
			var e flows.Event
			if err := json.Unmarshal(r, &e); err != nil {
				return nil, fmt.Errorf("read log of %s: %w", process, err)
			}
			events = append(events, e)
		}
		from += int64(len(raw))
	}
	return events, nil
}

// export is /export: the record, privately, as a Markdown file.
func (b *Bot) export(ctx context.Context, req *Request) (*flows.Message, error) {
	if req.Process == "" {
		return nil, flows.Refuse(flows.ErrWhichProcess)
	}
	p, err := b.load(ctx, req.Process)
	if err != nil {
		return nil, err
	}
	if !p.IsFacilitator(req.Update.User) {
		return nil, flows.Refuse(flows.ErrFacilitatorsOnly)
	}
	req.ProcessLang = p.Locale()
	lang := b.replyLanguage(ctx, req, &flows.Message{Private: true})
	doc, err := b.Export(ctx, p.ID, lang)
	if err != nil {
		return nil, err
	}
	req.file = &File{Name: "verslag-" + p.ID + ".md", Type: "text/markdown; charset=utf-8", Data: []byte(doc)}
	return &flows.Message{Private: true, Lines: []flows.Line{flows.L(flows.MsgExportReady, "title", p.Title)}}, nil
}
