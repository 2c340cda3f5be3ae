package web

import (
	_ "embed"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

//go:embed dashboard.html
var dashboardHTML string

//go:embed dashboard.js
var dashboardJS string

var dashboardTemplate = template.Must(template.New("dashboard").Funcs(template.FuncMap{
	"bold":   func(s bot.Span) bool { return s.Style&bot.Bold != 0 },
	"italic": func(s bot.Span) bool { return s.Style&bot.Italic != 0 },
	"join":   strings.Join,
	"stamp":  stamp,
}).Parse(dashboardHTML))

// stamp is how the dashboard writes a moment.
func stamp(t time.Time) string { return t.Format("2-1 15:04") }

type messageData struct {
	words
	Title, Text string
	CSRF        string // none: a message page has no actions
}

func (m messageData) PageTitle() string { return m.Title }

type listData struct {
	words
	CSRF      string
	Until     time.Time
	Processes []listEntry
}

func (d listData) PageTitle() string { return d.text(flows.WebDashboardListTitle) }

type listEntry struct {
	ID, Title string
	Created   time.Time
}

// processData is one process's page: the core's view, with what the
// template cannot do itself (catalog texts, time zones) done here. Its
// words are in the view's language.
type processData struct {
	words
	CSRF string
	// Nonce keys the round-opening form's action (see actionKey).
	Nonce  string
	Until  time.Time
	Notice string
	PDF    bool
	View   *bot.ProcessView
	Chart  chart
	// Version is a digest of the part the page's script refreshes.
	Version string

	Phase           bot.Rich
	Groups          []groupRow
	OpenRounds      []roundView
	AwaitingSummary []roundView
	Proposals       []proposalView
	Objections      []objectionView
	Timeline        []timelineRow
}

func (d processData) PageTitle() string { return d.View.Title }

type groupRow struct {
	Name, Platform string
	Members        int
	Reps           []string
}

type roundView struct {
	N                       int
	Title, Prompt, Deadline string
	Progress                []progressRow
	// Preview is the summary waiting for approval, as the private preview
	// shows it.
	Preview []bot.Rich
}

type progressRow struct {
	Name                            string
	Members, Answered, Passed, Done int
}

type proposalView struct {
	N, Adopted int
	Versions   []versionView
	// Voting: a consent round over one of its versions is open (no second
	// one is offered).
	Voting bool
}

type versionView struct {
	V            int
	Text, Author string
	Consent      []consentRow
}

type consentRow struct {
	flows.ConsentCell
	Outcome, State string
	// Tone colours the outcome and the state: "ok", "warn", "bad" or ""
	// (undecided).
	OutcomeTone, StateTone string
}

type objectionView struct {
	flows.ObjectionOverview
	State string
}

type timelineRow struct {
	At           string
	Text         bot.Rich
	Intervention bool
}

// viewOf fills in the page's data from the core's view.
func viewOf(data processData, r *bot.Renderer) processData {
	v := data.View
	lang, loc := v.Lang, v.Location
	line := func(key flows.MsgKey) string { return r.Line(flows.L(key), lang).Plain() }
	data.Phase = r.Line(v.Phase, lang)
	for _, g := range v.Groups {
		data.Groups = append(data.Groups, groupRow{Name: g.Name, Platform: line(g.Platform), Members: g.Members, Reps: g.Reps})
	}
	for _, rd := range v.Rounds {
		view := roundView{N: rd.N, Title: rd.Title, Prompt: rd.Prompt}
		for _, l := range rd.Preview {
			view.Preview = append(view.Preview, r.Line(l, lang))
		}
		if !rd.Deadline.IsZero() {
			view.Deadline = stamp(rd.Deadline.In(loc))
		}
		for _, p := range rd.Progress {
			name := p.Name
			if p.NameKey != "" {
				name = line(p.NameKey)
			}
			view.Progress = append(view.Progress, progressRow{Name: name, Members: p.Members, Answered: p.Answered, Passed: p.Passed, Done: p.Answered + p.Passed})
		}
		switch {
		case rd.Open:
			data.OpenRounds = append(data.OpenRounds, view)
		case rd.AwaitsSummary:
			data.AwaitingSummary = append(data.AwaitingSummary, view)
		}
	}
	for _, p := range v.Proposals {
		pv := proposalView{N: p.N, Adopted: p.Adopted}
		for _, ver := range p.Versions {
			vv := versionView{V: ver.V, Text: ver.Text, Author: ver.Author}
			for _, c := range ver.Consent {
				row := consentRow{ConsentCell: c, Outcome: outcomeText(c.Outcome, line), OutcomeTone: outcomeTone(c.Outcome), StateTone: stateTone(c.State)}
				if c.State != "" {
					row.State = line(c.State)
				}
				if c.State == flows.MsgStateVoting {
					pv.Voting = true
				}
				vv.Consent = append(vv.Consent, row)
			}
			pv.Versions = append(pv.Versions, vv)
		}
		data.Proposals = append(data.Proposals, pv)
	}
	for _, o := range v.Objections {
		data.Objections = append(data.Objections, objectionView{ObjectionOverview: o, State: objectionState(o, data.words)})
	}
	// The timeline newest first: what just happened is on top.
	for _, e := range slices.Backward(v.Timeline) {
		data.Timeline = append(data.Timeline, timelineRow{At: stamp(e.At.In(loc)), Text: r.Line(e.Line, lang), Intervention: e.Intervention})
	}
	return data
}

// outcomeText words a group's decision for the matrix, as the results
// message does.
func outcomeText(outcome string, line func(flows.MsgKey) string) string {
	if outcome == "" {
		return "—"
	}
	return line(flows.MsgKey("outcome_" + outcome))
}

// outcomeTone is the colour of a group's decision.
func outcomeTone(outcome string) string {
	switch outcome {
	case "":
		return ""
	case flows.OutcomePassed, flows.OutcomeSilence:
		return "ok"
	case flows.OutcomeBlocked:
		return "bad"
	}
	return "warn"
}

// stateTone is the colour of where a group stands on a version.
func stateTone(state flows.MsgKey) string {
	switch state {
	case flows.MsgStateConfirmed:
		return "ok"
	case flows.MsgStateConsented:
		return "next"
	case flows.MsgStateObjection, flows.MsgStateRevoked:
		return "bad"
	case flows.MsgStateNoDecision:
		return "warn"
	}
	return ""
}

// objectionState words where an objection stands.
func objectionState(o flows.ObjectionOverview, w words) string {
	if o.Standing {
		return w.text(flows.WebDashboardObjectionOpen)
	}
	switch o.State {
	case flows.ObjectionResolved:
		return w.text(flows.WebDashboardObjectionResolved)
	case flows.ObjectionIsWithdrawn:
		return w.text(flows.WebDashboardObjectionWithdrawn)
	}
	return o.State
}
