package flows

import "time"

// Retention: an operator may have processes deleted after a period without
// activity (LastActive). The facilitators are told first, so that they can
// keep the record (/export); the deletion itself is the store's, done by
// the bot (bot.Sweep), since it removes the log this package folds.

// Retention is the rule: delete After a process's last activity, telling
// the facilitators Notice ahead.
type Retention struct {
	After  time.Duration
	Notice time.Duration
}

// RetentionStep is what the rule asks for a process at a moment.
type RetentionStep int

const (
	RetentionWait   RetentionStep = iota // nothing yet
	RetentionNotify                      // tell the facilitators (RetentionNotice)
	RetentionPurge                       // delete the process now
)

// lastActivity is when a person last acted, or the creation for a log
// that predates LastActive.
func (p *Process) lastActivity() time.Time {
	if p.LastActive.After(p.Created) {
		return p.LastActive
	}
	return p.Created
}

// PurgeAt is when the rule deletes p as things stand: After its last
// activity, but never sooner than Notice after the facilitators were told.
// Zero when the rule is off.
func (rule Retention) PurgeAt(p *Process) time.Time {
	if rule.After <= 0 {
		return time.Time{}
	}
	at := p.lastActivity().Add(rule.After)
	if noticed := p.RetentionNoticed; rule.noticed(p) && noticed.Add(rule.Notice).After(at) {
		at = noticed.Add(rule.Notice)
	}
	return at
}

// noticed reports whether the facilitators were told during the current
// stretch of inactivity (a notice before the last activity is stale).
func (rule Retention) noticed(p *Process) bool {
	return !p.RetentionNoticed.IsZero() && !p.RetentionNoticed.Before(p.lastActivity())
}

// Step says what the rule asks for p at now.
func (rule Retention) Step(p *Process, now time.Time) RetentionStep {
	if rule.After <= 0 {
		return RetentionWait
	}
	at := rule.PurgeAt(p)
	switch {
	case !rule.noticed(p):
		if now.Before(at.Add(-rule.Notice)) {
			return RetentionWait
		}
		return RetentionNotify
	case now.Before(at):
		return RetentionWait
	}
	return RetentionPurge
}

// RetentionNotice tells the facilitators when the process will be deleted.
type RetentionNotice struct{ Rule Retention }

func (c RetentionNotice) decide(p *Process, env Env) (*Decision, error) {
	if c.Rule.Step(p, env.Now) != RetentionNotify {
		return &Decision{}, nil
	}
	b := newBuilder("", env)
	b.event(&RetentionNoticed{})
	zone := p.TimeZone()
	b.sendAfter(func(q *Process) []Message {
		var out []Message
		for _, f := range q.FacilitatorIDs() {
			out = append(out, Message{To: ToUser(f), Lines: []Line{L(MsgRetentionNotice,
				"title", q.Title, "last", Zoned{q.lastActivity(), zone},
				"date", Zoned{c.Rule.PurgeAt(q), zone}, "days", int(c.Rule.After/(24*time.Hour)))}})
		}
		return out
	})
	return b.decision(), nil
}

// RetentionNoticed records that the facilitators were told (at the
// event's time) that the process will be deleted.
type RetentionNoticed struct{}

func (*RetentionNoticed) EventType() string          { return "retention_noticed" }
func (*RetentionNoticed) apply(p *Process, e *Event) { p.RetentionNoticed = e.At }
