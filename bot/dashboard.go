package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samen-bot/samen/flows"
)

// The facilitator's dashboard is reached by a link /dashboard sends
// privately: the link carries a token that names the facilitator and when
// it expires, signed with a key derived from the secret. There are no
// passwords; whoever holds the link acts as that facilitator until it
// expires, so it goes only to the facilitator's private chat.

// DefaultDashboardTTL is how long a dashboard link works.
const DefaultDashboardTTL = 8 * time.Hour

// Errors of VerifyDashboardToken.
var (
	ErrLinkExpired = errors.New("dashboard link expired")
	ErrLinkInvalid = errors.New("dashboard link invalid")
)

// dashboardTokenVersion prefixes tokens, so that a change of their form
// refuses old links instead of misreading them.
const dashboardTokenVersion = "d1"

// DashboardToken returns a token that lets u into the dashboard until
// until.
func (b *Bot) DashboardToken(u flows.UserID, until time.Time) string {
	payload := dashboardTokenVersion + "." + base64.RawURLEncoding.EncodeToString([]byte(u)) + "." + strconv.FormatInt(until.Unix(), 10)
	return payload + "." + base64.RawURLEncoding.EncodeToString(b.dashboardMAC(payload))
}

func (b *Bot) dashboardMAC(payload string) []byte {
	m := hmac.New(sha256.New, b.DerivedKey("dashboard link v1"))
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// VerifyDashboardToken returns the facilitator a token names and when it
// expires. A token not signed by this bot (or altered) gives
// ErrLinkInvalid, one past its time ErrLinkExpired. The signature is
// compared in constant time.
func (b *Bot) VerifyDashboardToken(token string) (flows.UserID, time.Time, error) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return "", time.Time{}, ErrLinkInvalid
	}
	payload := token[:i]
	sig, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil || !hmac.Equal(sig, b.dashboardMAC(payload)) {
		return "", time.Time{}, ErrLinkInvalid
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 || parts[0] != dashboardTokenVersion {
		return "", time.Time{}, ErrLinkInvalid
	}
	user, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || len(user) == 0 {
		return "", time.Time{}, ErrLinkInvalid
	}
	unix, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", time.Time{}, ErrLinkInvalid
	}
	until := time.Unix(unix, 0)
	if !b.now().Before(until) {
		return "", until, ErrLinkExpired
	}
	return flows.UserID(user), until, nil
}

// dashboard is /dashboard: a link to the dashboard, sent privately to a
// facilitator of at least one process.
func (b *Bot) dashboard(ctx context.Context, req *Request) (*flows.Message, error) {
	base := *b.dashboardURL.Load()
	if base == "" {
		return nil, flows.Refuse(flows.ErrDashboardOff)
	}
	u := req.Update.User
	processes, err := b.Facilitating(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(processes) == 0 {
		return nil, flows.Refuse(flows.ErrDashboardNone)
	}
	until := b.now().Add(b.dashboardTTL).Truncate(time.Second)
	link := base + "/dashboard?t=" + b.DashboardToken(u, until)
	return &flows.Message{Private: true, Lines: []flows.Line{
		flows.L(flows.MsgDashboardLink, "url", link, "until", flows.Zoned{T: until, Zone: processes[0].TimeZone()}),
	}}, nil
}

// Facilitating returns the processes u facilitates, newest first.
func (b *Bot) Facilitating(ctx context.Context, u flows.UserID) ([]*flows.Process, error) {
	ids, err := b.store.SetMembers(ctx, userProcessesKey(u))
	if err != nil {
		return nil, fmt.Errorf("list processes of a person: %w", err)
	}
	var out []*flows.Process
	for _, id := range ids {
		p, err := b.load(ctx, id)
		if errors.Is(err, flows.ErrNotFound) {
			continue // purged
		}
		if err != nil {
			return nil, err
		}
		if p.IsFacilitator(u) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(x, y *flows.Process) int {
		if c := y.Created.Compare(x.Created); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return out, nil
}

// ErrNotFacilitator is a dashboard request for a process the person does
// not facilitate (or that does not exist: the two are not told apart).
var ErrNotFacilitator = errors.New("not a facilitator of this process")

// facilitated loads process with its log if u facilitates it, else
// ErrNotFacilitator. The role is checked before the log is read: a
// refusal costs one load, whether the process exists or not.
func (b *Bot) facilitated(ctx context.Context, process string, u flows.UserID) (*flows.Process, []flows.Event, error) {
	p, err := b.load(ctx, process)
	if errors.Is(err, flows.ErrNotFound) {
		return nil, nil, ErrNotFacilitator
	}
	if err != nil {
		return nil, nil, err
	}
	if !p.IsFacilitator(u) {
		return nil, nil, ErrNotFacilitator
	}
	events, err := b.events(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	return p, events, nil
}

// ProcessView is what the dashboard shows of one process to one
// facilitator.
type ProcessView struct {
	*flows.Overview
	// Lang is the language to show it in, Location the process's time zone.
	Lang     string
	Location *time.Location
	// Kinds are the kinds of round a facilitator can open by hand.
	Kinds []KindChoice
	// Version is the process's version: it changes with every event.
	Version int64
}

// KindChoice is a kind of round by name, with its title in the view's
// language.
type KindChoice struct{ Name, Title string }

// Overview is what the dashboard shows of process to u; ErrNotFacilitator
// unless u facilitates it.
func (b *Bot) Overview(ctx context.Context, process string, u flows.UserID) (*ProcessView, error) {
	p, events, err := b.facilitated(ctx, process, u)
	if err != nil {
		return nil, err
	}
	v := &ProcessView{Overview: p.Overview(events, b.env("")), Lang: b.personalLanguage(ctx, u, p), Location: b.location(p.TimeZone()), Version: p.Version}
	if v.Location == nil {
		v.Location = time.UTC
	}
	// The overview words the rounds as the groups read them (in the
	// process's language); the facilitator reads the template's words in
	// their own. A question typed for the round stays as typed.
	for i := range v.Rounds {
		if r := p.Round(v.Rounds[i].N); r != nil {
			v.Rounds[i].Title = r.Def.Title.In(v.Lang)
			if r.Prompt == "" {
				v.Rounds[i].Prompt = r.Def.Prompt.In(v.Lang)
			}
		}
	}
	for name, k := range p.Template.Kinds {
		if !k.Consent && !k.Announce {
			v.Kinds = append(v.Kinds, KindChoice{Name: name, Title: k.Title.In(v.Lang)})
		}
	}
	slices.SortFunc(v.Kinds, func(x, y KindChoice) int { return strings.Compare(x.Name, y.Name) })
	return v, nil
}

// RecordView is the record of a process as one facilitator reads it.
type RecordView struct {
	Title string
	// Markdown is the record as a file; Lines are the same lines as rich
	// text (for a printable page).
	Markdown string
	Lines    []Rich
	// Lang is the language it is in.
	Lang string
	// Made is when it was made, in the process's time zone.
	Made time.Time
}

// Record is the record of process in u's language; ErrNotFacilitator
// unless u facilitates it.
func (b *Bot) Record(ctx context.Context, process string, u flows.UserID) (*RecordView, error) {
	p, events, err := b.facilitated(ctx, process, u)
	if err != nil {
		return nil, err
	}
	rec := &RecordView{Title: p.Title, Lang: b.personalLanguage(ctx, u, p), Made: b.now()}
	if loc := b.location(p.TimeZone()); loc != nil {
		rec.Made = rec.Made.In(loc)
	}
	report := flows.Report(p, events, b.env(""))
	for _, l := range report {
		rec.Lines = append(rec.Lines, b.render.Line(l, rec.Lang))
	}
	rec.Markdown = b.render.Markdown(report, rec.Lang)
	return rec, nil
}

// personalLanguage is the language u reads p in: their own (/lang), else
// the process's.
func (b *Bot) personalLanguage(ctx context.Context, u flows.UserID, p *flows.Process) string {
	if lang := flows.PersonalLocale(b.PersonalLanguage(ctx, u), p.Locale()); lang != "" {
		return lang
	}
	return flows.DefaultLanguage
}

// Act is a facilitator acting on process from the dashboard: text is a
// command as typed in a private chat ("/close 3"), or button the intent of
// a button. key makes the action idempotent (the same key twice acts
// once). The reply is what the person would have seen; it is never sent
// to a chat. ErrNotFacilitator unless u facilitates process.
func (b *Bot) Act(ctx context.Context, key, process string, u flows.UserID, text string, button *flows.Intent) (*Reply, error) {
	p, err := b.load(ctx, process)
	if errors.Is(err, flows.ErrNotFound) {
		return nil, ErrNotFacilitator
	}
	if err != nil {
		return nil, err
	}
	f := p.Facilitators[u]
	if f == nil {
		return nil, ErrNotFacilitator
	}
	if button != nil {
		in := *button
		in.Process = process
		button = &in
	}
	return b.Handle(ctx, &Update{
		Key: "dashboard:" + key, User: u, Name: f.Name, Text: text, Button: button, Process: process,
		Chat: flows.Chat{ID: flows.ChatID(u), Private: true},
	})
}
