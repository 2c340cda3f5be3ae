package flows

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Setting keys for /set. Values not set explicitly come from the template.
const (
	SetTemplate   = "template"
	SetTitle      = "title"
	SetLanguage   = "language"
	SetKaders     = "kaders"
	SetRules      = "rules"
	SetCommitment = "commitment"
	SetQuorum     = "quorum"
	SetSilence    = "silence"
	SetTimeZone   = "timezone"
	SetQuietHours = "quiet_hours"
	SetVotes      = "votes"
	SetRepWindow  = "rep_window"
	SetEvaluation = "evaluation"
	SetFallback   = "fallback"
	SetSlowMode   = "slow_mode"
	SetTone       = "tone"
)

// SettingKeys lists the keys /set accepts, in the order /settings shows them.
var SettingKeys = []string{
	SetTitle, SetTemplate, SetLanguage, SetKaders, SetRules, SetCommitment,
	SetTone, SetQuorum, SetSilence, SetFallback, SetVotes, SetRepWindow, SetSlowMode, SetTimeZone, SetQuietHours, SetEvaluation,
}

// agreedAtOpening are the settings that are part of the rules people consent
// to when they join: they cannot change once the process has started.
var agreedAtOpening = []string{SetSilence, SetFallback}

// Fallbacks when neither the process nor its template says otherwise.
const (
	defaultQuorumShare = 0.6
	defaultQuorumMin   = 3
	defaultTimeZone    = "Europe/Amsterdam"
	defaultRepWindow   = 24 * time.Hour
	// evaluationHour is when, on the evaluation date, the evaluation round opens.
	evaluationHour = 9
)

// Language is the process's language: what group messages are written in.
func (p *Process) Language() string {
	return cmp.Or(p.Set[SetLanguage], p.Template.Settings.Language, DefaultLanguage)
}

// TimeZone is the IANA zone deadlines and quiet hours are read in.
func (p *Process) TimeZone() string {
	return cmp.Or(p.Set[SetTimeZone], p.Template.Settings.TimeZone, defaultTimeZone)
}

// Silence says whether silence may count as consent (only if the rules say so).
func (p *Process) Silence() string {
	return cmp.Or(p.Set[SetSilence], p.Template.Settings.Silence, SilenceNoConsent)
}

// VotesShown says how consent answers show within a group: named or tally.
func (p *Process) VotesShown() string {
	return cmp.Or(p.Set[SetVotes], p.Template.Settings.Votes, VotesNamed)
}

// SlowMode is how long a person waits between answers in a joint round
// (zero: no slow mode).
func (p *Process) SlowMode() time.Duration {
	var d Duration
	if v, ok := p.Set[SetSlowMode]; ok && v != "off" && d.UnmarshalText([]byte(v)) == nil {
		return time.Duration(d)
	}
	return 0
}

// Tone is how the bot addresses people in Dutch: "je" or "u".
func (p *Process) Tone() string {
	return cmp.Or(p.Set[SetTone], p.Template.Settings.Tone, ToneJe)
}

// Locale is the catalog a text for the process is written from: its
// language, and for Dutch its tone ("nl-u" for the formal register).
func (p *Process) Locale() string { return LocaleOf(p.Language(), p.Tone()) }

// PersonalLocale is the catalog for someone who chose their own language
// (personal, "" if they did not) in a process written in processLocale: the
// process's tone carries over when they read its language.
func PersonalLocale(personal, processLocale string) string {
	if personal == "" {
		return processLocale
	}
	if base, _, _ := strings.Cut(processLocale, "-"); base == personal {
		return processLocale
	}
	return personal
}

// LocaleOf combines a language and a tone into a catalog name.
func LocaleOf(lang, tone string) string {
	if lang == "nl" && tone == ToneU {
		return "nl-u"
	}
	return lang
}

// RepWindow is how long a group has to object to a proposed representative.
func (p *Process) RepWindow() time.Duration {
	if v, ok := p.Set[SetRepWindow]; ok {
		var d Duration
		if d.UnmarshalText([]byte(v)) == nil {
			return time.Duration(d)
		}
	}
	if w := p.Template.Settings.RepWindow; w > 0 {
		return time.Duration(w)
	}
	return defaultRepWindow
}

// Evaluation returns when the evaluation round opens (zero if no date is set).
func (p *Process) Evaluation(loc *time.Location) time.Time {
	v, ok := p.Set[SetEvaluation]
	if !ok {
		return time.Time{}
	}
	d, err := time.ParseInLocation(time.DateOnly, v, loc)
	if err != nil {
		return time.Time{}
	}
	return d.Add(evaluationHour * time.Hour)
}

// Quorum is the share of a group's members (and the minimum count) that a
// consent round needs.
func (p *Process) Quorum() (share float64, min int) {
	share, min = defaultQuorumShare, defaultQuorumMin
	if s := p.Template.Settings.QuorumShare; s != nil {
		share = *s
	}
	if m := p.Template.Settings.QuorumMin; m != nil {
		min = *m
	}
	if v, ok := p.Set[SetQuorum]; ok {
		share, min, _ = parseQuorum(v)
	}
	return share, min
}

// QuietHours returns the hours in which no reminders are sent (zero if none).
func (p *Process) QuietHours() QuietHours {
	v, ok := p.Set[SetQuietHours]
	if !ok {
		v = p.Template.Settings.QuietHours
	}
	q, _ := ParseQuietHours(v)
	return q
}

// SettingText returns a text setting (kaders, rules, commitment) in lang:
// the facilitator's own text, or the template's.
func (p *Process) SettingText(key, lang string) string {
	if v, ok := p.Set[key]; ok {
		return v
	}
	switch key {
	case SetKaders:
		return p.Template.Settings.Kaders.In(lang)
	case SetRules:
		return p.Template.Settings.Rules.In(lang)
	case SetCommitment:
		return p.Template.Settings.Commitment.In(lang)
	}
	return ""
}

// SettingValue returns how /settings shows a key's current value, and
// whether it was set explicitly.
func (p *Process) SettingValue(key string) (string, bool) {
	v, explicit := p.Set[key]
	switch key {
	case SetTitle:
		return p.Title, true
	case SetTemplate:
		return p.Template.Name, true
	case SetLanguage:
		return p.Language(), explicit
	case SetKaders, SetRules, SetCommitment:
		return p.SettingText(key, p.Locale()), explicit
	case SetFallback:
		return v, explicit
	case SetQuorum:
		share, min := p.Quorum()
		return formatQuorum(share, min), explicit
	case SetSilence:
		return p.Silence(), explicit
	case SetVotes:
		return p.VotesShown(), explicit
	case SetTone:
		return p.Tone(), explicit
	case SetSlowMode:
		if d := p.SlowMode(); d > 0 {
			return Duration(d).String(), explicit
		}
		return "off", explicit
	case SetRepWindow:
		return Duration(p.RepWindow()).String(), explicit
	case SetTimeZone:
		return p.TimeZone(), explicit
	case SetQuietHours:
		return p.QuietHours().String(), explicit
	}
	return v, explicit
}

// normalizeSetting checks a /set value and returns it in the form stored.
// It returns a *UserError that says how to write the value.
func normalizeSetting(key, value string, env Env) (string, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return "", Refuse(ErrSetNeedsValue, "key", key)
	}
	switch key {
	case SetTitle:
		if len([]rune(value)) > maxTitleRunes {
			return "", Refuse(ErrTitleTooLong, "max", maxTitleRunes)
		}
		return value, nil
	case SetLanguage:
		v := strings.ToLower(value)
		if !ValidLanguage(v) {
			return "", Refuse(ErrSetLanguage)
		}
		return v, nil
	case SetKaders, SetRules, SetCommitment, SetFallback:
		if len([]rune(value)) > maxSettingTextRunes {
			return "", Refuse(ErrSetTooLong, "max", maxSettingTextRunes)
		}
		return value, nil
	case SetQuorum:
		share, min, err := parseQuorum(value)
		if err != nil {
			return "", Refuse(ErrSetQuorum)
		}
		return formatQuorum(share, min), nil
	case SetSilence:
		v := strings.ToLower(value)
		if !slices.Contains(silences, v) {
			return "", Refuse(ErrSetSilence)
		}
		return v, nil
	case SetTone:
		v := strings.ToLower(value)
		if !slices.Contains(tones, v) {
			return "", Refuse(ErrSetTone, "informal", ToneJe, "formal", ToneU)
		}
		return v, nil
	case SetSlowMode:
		if strings.EqualFold(value, "off") || strings.EqualFold(value, "uit") {
			return "off", nil
		}
		var d Duration
		if err := d.UnmarshalText([]byte(value)); err != nil || d <= 0 || time.Duration(d) > 24*time.Hour {
			return "", Refuse(ErrSetSlowMode)
		}
		return d.String(), nil
	case SetVotes:
		v := strings.ToLower(value)
		if !slices.Contains(voteModes, v) {
			return "", Refuse(ErrSetVotes)
		}
		return v, nil
	case SetRepWindow:
		var d Duration
		if err := d.UnmarshalText([]byte(value)); err != nil || d <= 0 || time.Duration(d) > 30*24*time.Hour {
			return "", Refuse(ErrSetRepWindow)
		}
		return Duration(d).String(), nil
	case SetEvaluation:
		d, err := parseDate(value)
		if err != nil {
			return "", Refuse(ErrSetEvaluation)
		}
		return d.Format(time.DateOnly), nil
	case SetTimeZone:
		if env.ValidZone == nil || !env.ValidZone(value) {
			return "", Refuse(ErrSetTimeZone, "value", value)
		}
		return value, nil
	case SetQuietHours:
		q, err := ParseQuietHours(value)
		if err != nil {
			return "", Refuse(ErrSetQuietHours)
		}
		return q.String(), nil
	}
	return "", Refuse(ErrSetUnknownKey, "key", key, "keys", strings.Join(SettingKeys, ", "))
}

const (
	maxTitleRunes       = 120
	maxSettingTextRunes = 3000
)

// parseQuorum reads "60%", "60% 3", "0.6 3" or "60% min 3".
func parseQuorum(v string) (share float64, min int, err error) {
	fields := strings.Fields(strings.ToLower(v))
	fields = slices.DeleteFunc(fields, func(f string) bool { return f == "min" || f == "minimum" })
	if len(fields) == 0 || len(fields) > 2 {
		return 0, 0, fmt.Errorf("quorum %q: want a share and a minimum", v)
	}
	s := fields[0]
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		n, err := strconv.ParseFloat(pct, 64)
		if err != nil {
			return 0, 0, err
		}
		share = n / 100
	} else {
		share, err = strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
		if err != nil {
			return 0, 0, err
		}
		if share > 1 {
			share /= 100
		}
	}
	if share <= 0 || share > 1 || math.IsNaN(share) {
		return 0, 0, fmt.Errorf("quorum share %v out of range", share)
	}
	min = defaultQuorumMin
	if len(fields) == 2 {
		min, err = strconv.Atoi(fields[1])
		if err != nil || min < 1 || min > 100000 {
			return 0, 0, fmt.Errorf("quorum minimum %q", fields[1])
		}
	}
	return share, min, nil
}

func parseDate(v string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, "2-1-2006", "2/1/2006"} {
		if d, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
			return d, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q", v)
}

func formatQuorum(share float64, min int) string {
	return fmt.Sprintf("%s%% %d", strconv.FormatFloat(math.Round(share*1000)/10, 'f', -1, 64), min)
}

// QuietHours is a daily span, in the process's time zone, without reminders.
// Start may be after End: the span then runs over midnight.
type QuietHours struct {
	Start, End int // minutes after midnight; equal means none
}

// ParseQuietHours reads "22:00-08:00"; "off" or "" means none.
func ParseQuietHours(v string) (QuietHours, error) {
	v = strings.TrimSpace(strings.ToLower(v))
	if v == "" || v == "off" || v == "uit" || v == "none" {
		return QuietHours{}, nil
	}
	from, to, ok := strings.Cut(v, "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("quiet hours %q: write them like 22:00-08:00, or off", v)
	}
	start, err1 := parseClock(from)
	end, err2 := parseClock(to)
	if err1 != nil || err2 != nil {
		return QuietHours{}, fmt.Errorf("quiet hours %q: write them like 22:00-08:00, or off", v)
	}
	return QuietHours{Start: start, End: end}, nil
}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// String writes the span as "22:00-08:00", or "off".
func (q QuietHours) String() string {
	if q.Start == q.End {
		return "off"
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.Start/60, q.Start%60, q.End/60, q.End%60)
}

// Before returns t, or if t falls in the quiet span the last minute before
// that span began, on the local clock (a night when the clocks change is
// not 24 hours long): for notices that must come before a deadline.
func (q QuietHours) Before(t time.Time, loc *time.Location) time.Time {
	if !q.In(t, loc) {
		return t
	}
	local := t.In(loc)
	start := time.Date(local.Year(), local.Month(), local.Day(), q.Start/60, q.Start%60, 0, 0, loc)
	if start.After(local) {
		start = time.Date(local.Year(), local.Month(), local.Day()-1, q.Start/60, q.Start%60, 0, 0, loc)
	}
	return start.Add(-time.Minute)
}

// In reports whether t falls in the quiet hours.
func (q QuietHours) In(t time.Time, loc *time.Location) bool {
	if q.Start == q.End || loc == nil {
		return false
	}
	local := t.In(loc)
	minute := local.Hour()*60 + local.Minute()
	if q.Start < q.End {
		return minute >= q.Start && minute < q.End
	}
	return minute >= q.Start || minute < q.End
}

// After returns t, or the end of the quiet span if t falls inside it.
func (q QuietHours) After(t time.Time, loc *time.Location) time.Time {
	if !q.In(t, loc) {
		return t
	}
	local := t.In(loc)
	end := time.Date(local.Year(), local.Month(), local.Day(), q.End/60, q.End%60, 0, 0, loc)
	if !end.After(local) {
		end = time.Date(local.Year(), local.Month(), local.Day()+1, q.End/60, q.End%60, 0, 0, loc)
	}
	return end
}

func sortedKeys[M ~map[K]V, K ~string, V any](m M) []K {
	return slices.Sorted(maps.Keys(m))
}
