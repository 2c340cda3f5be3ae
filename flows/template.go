package flows

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samen-bot/samen/internal/tomlstrict"
)

// A Template names which steps a process goes through and what each kind of
// round does. It is data: a new kind needs no Go change. The whole template
// is recorded in the process's log when chosen, so a process replays the
// same even after the template file changes.
type Template struct {
	Name        string           `toml:"name" json:"name"`
	Title       Text             `toml:"title" json:"title"`
	Description Text             `toml:"description" json:"description,omitempty"`
	Settings    TemplateSettings `toml:"settings" json:"settings"`
	Kinds       map[string]*Kind `toml:"kinds" json:"kinds"`
	Steps       []Step           `toml:"steps" json:"steps"`
}

// TemplateSettings are the defaults of a process's settings.
type TemplateSettings struct {
	Language    string   `toml:"language" json:"language,omitempty"`
	Kaders      Text     `toml:"kaders" json:"kaders,omitempty"`
	Rules       Text     `toml:"rules" json:"rules,omitempty"`
	Commitment  Text     `toml:"commitment" json:"commitment,omitempty"`
	QuorumShare *float64 `toml:"quorum_share" json:"quorum_share,omitempty"`
	QuorumMin   *int     `toml:"quorum_min" json:"quorum_min,omitempty"`
	Silence     string   `toml:"silence" json:"silence,omitempty"`
	// Tone is how the bot addresses people in Dutch: je (default) or u.
	Tone string `toml:"tone" json:"tone,omitempty"`
	// Votes says how consent answers show within a group: named or tally.
	Votes string `toml:"votes" json:"votes,omitempty"`
	// RepWindow is how long a group has to object to a proposed representative.
	RepWindow Duration `toml:"rep_window" json:"rep_window,omitempty"`
	// EvaluationKind is the kind of round the evaluation date opens.
	EvaluationKind string `toml:"evaluation_kind" json:"evaluation_kind,omitempty"`
	TimeZone       string `toml:"time_zone" json:"time_zone,omitempty"`
	QuietHours     string `toml:"quiet_hours" json:"quiet_hours,omitempty"`
}

// Kind is what a kind of round does.
type Kind struct {
	Title  Text `toml:"title" json:"title"`
	Prompt Text `toml:"prompt" json:"prompt"`
	// Announce kinds post their prompt and collect no answers (the opening).
	Announce bool `toml:"announce" json:"announce,omitempty"`
	// Show lists settings an announcement includes: "kaders", "rules", "commitment".
	Show []string `toml:"show" json:"show,omitempty"`
	// Invite adds a join button to an announcement.
	Invite bool `toml:"invite" json:"invite,omitempty"`
	// Scope is the default scope of a step of this kind: here, all or joint.
	Scope string `toml:"scope" json:"scope,omitempty"`
	// Anonymity is the level of every answer: none, facilitators or full.
	Anonymity string `toml:"anonymity" json:"anonymity,omitempty"`
	// AnonymousOption is a level a person may choose instead, per answer
	// (empty: no choice).
	AnonymousOption string `toml:"anonymous_option" json:"anonymous_option,omitempty"`
	// Replies says whether people may reply to each other during the round.
	Replies bool `toml:"replies" json:"replies,omitempty"`
	// Deadline closes the round this long after it opens (zero: no deadline).
	Deadline Duration `toml:"deadline" json:"deadline,omitempty"`
	// Reminders are sent this long after the round opens.
	Reminders []Duration `toml:"reminders" json:"reminders,omitempty"`
	// Relay decides what happens to the summary at closing: approve (the
	// facilitator approves first), auto or none (facilitators only).
	Relay string `toml:"relay" json:"relay,omitempty"`
	// Share is where the summary goes: scope (the round's chats) or all
	// (every group's chat, and the joint chat if there is one).
	Share string `toml:"share" json:"share,omitempty"`
	// MaxLength is the longest answer the kind takes, in characters
	// (zero: MaxAnswerRunes).
	MaxLength int `toml:"max_length" json:"max_length,omitempty"`
	// Consent makes this the kind /consent opens: every group decides on
	// one version of a proposal, by votes.
	Consent bool `toml:"consent" json:"consent,omitempty"`
	// LastChance is how long before the deadline those who have not
	// answered get a last-chance notice (consent kinds).
	LastChance Duration `toml:"last_chance" json:"last_chance,omitempty"`
	// Turns passes a talking piece: members answer one at a time, in an
	// order that varies per round; TurnTimeout passes it on when a turn
	// lasts that long (zero: only /pass or the facilitator moves it).
	Turns       bool     `toml:"turns" json:"turns,omitempty"`
	TurnTimeout Duration `toml:"turn_timeout" json:"turn_timeout,omitempty"`
	// Questions are asked one by one in a private intake (scope
	// "private"); Overview lists, counting from 1, the questions whose
	// answers go unattributed into the facilitators' overview.
	Questions []Text `toml:"questions" json:"questions,omitempty"`
	Overview  []int  `toml:"overview" json:"overview,omitempty"`
}

// Private reports whether the kind is an intake: each member answers the
// bot privately and only facilitators see the answers.
func (k *Kind) Private() bool { return k.Scope == ScopePrivate }

// Step is one step of a template's sequence, opened with /next.
type Step struct {
	Kind  string `toml:"kind" json:"kind"`
	Scope string `toml:"scope" json:"scope,omitempty"`
}

// Values a template may use.
const (
	ScopeHere  = "here"
	ScopeAll   = "all"
	ScopeJoint = "joint"
	// ScopePrivate is an intake: every group's members, each privately.
	ScopePrivate = "private"

	AnonNone         = "none"
	AnonFacilitators = "facilitators"
	AnonFull         = "full"

	RelayApprove = "approve"
	RelayAuto    = "auto"
	RelayNone    = "none"

	ShareScope = "scope"
	ShareAll   = "all"

	SilenceNoConsent = "no-consent"
	SilenceConsent   = "consent"

	VotesNamed = "named"
	VotesTally = "tally"

	ToneJe = "je"
	ToneU  = "u"
)

var (
	scopes      = []string{ScopeHere, ScopeAll, ScopeJoint, ScopePrivate}
	anonLevels  = []string{AnonNone, AnonFacilitators, AnonFull}
	relays      = []string{RelayApprove, RelayAuto, RelayNone}
	shares      = []string{ShareScope, ShareAll}
	silences    = []string{SilenceNoConsent, SilenceConsent}
	voteModes   = []string{VotesNamed, VotesTally}
	tones       = []string{ToneJe, ToneU}
	showable    = []string{"kaders", "rules", "commitment"}
	maxDuration = 366 * 24 * time.Hour
)

// Duration is a length of time written as "48h", "90m" or "3d".
type Duration time.Duration

// UnmarshalText accepts Go durations and whole days ("3d").
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return fmt.Errorf("%q is not a duration: write it like 48h, 90m or 3d", s)
		}
		*d = Duration(time.Duration(n) * 24 * time.Hour)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("%q is not a duration: write it like 48h, 90m or 3d", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration in Go's notation.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String writes whole days as "3d", anything else in Go's notation.
func (d Duration) String() string {
	if day := 24 * time.Hour; d > 0 && time.Duration(d)%day == 0 {
		return fmt.Sprintf("%dd", time.Duration(d)/day)
	}
	// 10m rather than 10m0s, 1h30m rather than 1h30m0s: as people write it.
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Problem is one thing wrong in a template, with where it is.
type Problem struct {
	File    string
	Line    int
	Message string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// ParseTemplate decodes and checks a template. It reports every problem it
// finds, each with its line; the template is usable only if there are none.
// validZone reports whether a time zone name is known (the caller owns the
// zone database, so the engine stays free of I/O).
func ParseTemplate(file string, data []byte, validZone func(string) bool) (*Template, []Problem) {
	var t Template
	pos, decodeProblems := tomlstrict.Decode(data, &t)
	var problems []Problem
	syntax := false
	for _, p := range decodeProblems {
		problems = append(problems, Problem{File: file, Line: p.Line, Message: p.Message})
		syntax = syntax || p.Syntax
	}
	report := func(key, format string, args ...any) {
		for _, p := range decodeProblems {
			if p.Key != "" && strings.HasPrefix(p.Key, key) {
				return // the decoder already said what is wrong with this value
			}
		}
		problems = append(problems, Problem{File: file, Line: pos.Of(key).Line, Message: fmt.Sprintf(format, args...)})
	}
	if !syntax {
		// After a syntax error the decoded template is incomplete; checking
		// its meaning would only report what the error already explains.
		t.check(report, validZone)
	}
	slices.SortStableFunc(problems, func(a, b Problem) int { return a.Line - b.Line })
	if len(problems) > 0 {
		return nil, problems
	}
	return &t, nil
}

func (t *Template) check(report func(key, format string, args ...any), validZone func(string) bool) {
	if t.Name == "" {
		report("name", "the template has no name: add name = \"…\" at the top")
	}
	requireLanguages(report, "title", t.Title, "title")
	s := t.Settings
	oneOf(report, "settings.language", s.Language, Languages, true)
	oneOf(report, "settings.silence", s.Silence, silences, true)
	oneOf(report, "settings.votes", s.Votes, voteModes, true)
	oneOf(report, "settings.tone", s.Tone, tones, true)
	if s.EvaluationKind != "" && t.Kinds[s.EvaluationKind] == nil {
		report("settings.evaluation_kind", "evaluation_kind names %q, which the template does not define", s.EvaluationKind)
	}
	if s.QuorumShare != nil && (*s.QuorumShare <= 0 || *s.QuorumShare > 1) {
		report("settings.quorum_share", "quorum_share must be more than 0 and at most 1 (0.6 means 60%%), not %v", *s.QuorumShare)
	}
	if s.QuorumMin != nil && *s.QuorumMin < 1 {
		report("settings.quorum_min", "quorum_min must be at least 1, not %d", *s.QuorumMin)
	}
	if s.TimeZone != "" && validZone != nil && !validZone(s.TimeZone) {
		report("settings.time_zone", "unknown time zone %q: use a name like Europe/Amsterdam", s.TimeZone)
	}
	if s.QuietHours != "" {
		if _, err := ParseQuietHours(s.QuietHours); err != nil {
			report("settings.quiet_hours", "%v", err)
		}
	}
	if len(t.Kinds) == 0 {
		report("kinds", "the template defines no kinds of round: add a [kinds.<name>] table")
	}
	for _, name := range sortedKeys(t.Kinds) {
		t.Kinds[name].check(report, "kinds."+name, name)
	}
	if len(t.Steps) == 0 {
		report("steps", "the template has no steps: add [[steps]] tables with kind = \"…\"")
	}
	for i, st := range t.Steps {
		key := fmt.Sprintf("steps[%d]", i)
		switch {
		case st.Kind == "":
			report(key, "step %d has no kind", i+1)
		case t.Kinds[st.Kind] == nil:
			report(key+".kind", "step %d uses kind %q, which the template does not define (known: %s)", i+1, st.Kind, strings.Join(sortedKeys(t.Kinds), ", "))
		}
		oneOf(report, key+".scope", st.Scope, scopes, true)
	}
}

func (k *Kind) check(report func(key, format string, args ...any), key, name string) {
	if k == nil {
		report(key, "kind %q is empty", name)
		return
	}
	requireLanguages(report, key+".title", k.Title, fmt.Sprintf("kind %q has no title", name))
	requireLanguages(report, key+".prompt", k.Prompt, fmt.Sprintf("kind %q has no prompt", name))
	oneOf(report, key+".scope", k.Scope, scopes, true)
	oneOf(report, key+".anonymity", k.Anonymity, anonLevels, true)
	oneOf(report, key+".anonymous_option", k.AnonymousOption, anonLevels, true)
	oneOf(report, key+".relay", k.Relay, relays, true)
	oneOf(report, key+".share", k.Share, shares, true)
	for _, s := range k.Show {
		oneOf(report, key+".show", s, showable, false)
	}
	if k.MaxLength < 0 || k.MaxLength > MaxAnswerRunes {
		report(key+".max_length", "max_length of kind %q must be between 1 and %d", name, MaxAnswerRunes)
	}
	if k.Deadline > 0 && time.Duration(k.Deadline) > maxDuration {
		report(key+".deadline", "deadline of kind %q is longer than a year", name)
	}
	for _, r := range k.Reminders {
		if r <= 0 {
			report(key+".reminders", "a reminder of kind %q must come some time after opening", name)
		}
		if k.Deadline > 0 && r >= k.Deadline {
			report(key+".reminders", "kind %q has a reminder at %v, not before its deadline of %v", name, time.Duration(r), time.Duration(k.Deadline))
		}
	}
	if k.Announce && (k.Anonymity != "" || k.AnonymousOption != "" || k.Deadline > 0 || len(k.Reminders) > 0 || k.Relay != "") {
		report(key, "kind %q announces and collects no answers, so anonymity, deadline, reminders and relay do not apply to it", name)
	}
	if !k.Announce && (k.Invite || len(k.Show) > 0) {
		report(key, "kind %q collects answers; invite and show belong to announcements (announce = true)", name)
	}
	if k.Consent {
		if k.Announce || (k.Anonymity != "" && k.Anonymity != AnonNone) || k.AnonymousOption != "" || k.Relay != "" || k.Share != "" {
			report(key, "kind %q is a consent round: it cannot announce, be anonymous or have relay or share (tallies go to every group)", name)
		}
		if k.LastChance > 0 && k.Deadline > 0 && k.LastChance >= k.Deadline {
			report(key+".last_chance", "the last chance of kind %q must come before its deadline", name)
		}
	} else if k.LastChance > 0 {
		report(key+".last_chance", "last_chance belongs to consent kinds (consent = true)")
	}
	k.checkTurns(report, key, name)
	k.checkIntake(report, key, name)
}

func (k *Kind) checkTurns(report func(key, format string, args ...any), key, name string) {
	if k.TurnTimeout != 0 && !k.Turns {
		report(key+".turn_timeout", "turn_timeout of kind %q needs turns = true", name)
	}
	if k.TurnTimeout < 0 || time.Duration(k.TurnTimeout) > maxDuration {
		report(key+".turn_timeout", "turn_timeout of kind %q must be positive and under a year", name)
	}
	if k.Turns && (k.Announce || k.Consent || k.Private() || (k.Anonymity != "" && k.Anonymity != AnonNone) || k.AnonymousOption != "") {
		report(key+".turns", "kind %q passes a talking piece, so everyone sees who speaks: it cannot be anonymous, private, a consent round or an announcement", name)
	}
}

func (k *Kind) checkIntake(report func(key, format string, args ...any), key, name string) {
	if !k.Private() {
		if len(k.Questions) > 0 || len(k.Overview) > 0 {
			report(key+".questions", "questions and overview of kind %q belong to a private intake (scope = \"private\")", name)
		}
		return
	}
	if len(k.Questions) == 0 {
		report(key+".questions", "kind %q is a private intake and asks nothing: add questions = [{ nl = \"…\", en = \"…\" }]", name)
	}
	for i, q := range k.Questions {
		requireLanguages(report, fmt.Sprintf("%s.questions[%d]", key, i), q, fmt.Sprintf("question %d of kind %q is empty", i+1, name))
	}
	for _, n := range k.Overview {
		if n < 1 || n > len(k.Questions) {
			report(key+".overview", "overview of kind %q names question %d; it has questions 1 to %d", name, n, len(k.Questions))
		}
	}
	if k.Announce || k.Consent || k.Anonymity != "" || k.AnonymousOption != "" || k.Relay == RelayAuto {
		report(key, "kind %q is a private intake: only facilitators see its answers, and its overview is shared only after a facilitator read it, so it cannot announce, be a consent round, set anonymity or relay = \"auto\"", name)
	}
}

func requireLanguages(report func(key, format string, args ...any), key string, t Text, what string) {
	if len(t) == 0 {
		report(key, "%s: add %s.nl and %s.en", what, lastSegment(key), lastSegment(key))
		return
	}
	for _, lang := range Languages {
		if strings.TrimSpace(t[lang]) == "" {
			report(key, "%s in language %q: add %s.%s", what, lang, lastSegment(key), lang)
		}
	}
	for _, lang := range sortedKeys(t) {
		if !ValidLanguage(lang) && lang != LocaleOf("nl", ToneU) {
			report(key+"."+lang, "unknown language %q (known: %s, and nl-u for the formal Dutch of a process in the u tone)", lang, strings.Join(Languages, ", "))
		}
	}
}

func oneOf(report func(key, format string, args ...any), key, value string, allowed []string, emptyOK bool) {
	if value == "" && emptyOK {
		return
	}
	if !slices.Contains(allowed, value) {
		report(key, "%s must be one of %s, not %q", lastSegment(key), strings.Join(allowed, ", "), value)
	}
}

func lastSegment(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// Kind returns the kind's definition, with defaults filled in, or nil.
func (t *Template) Kind(name string) *Kind {
	k := t.Kinds[name]
	if k == nil {
		return nil
	}
	c := *k
	c.Scope = orDefault(c.Scope, ScopeHere)
	c.Anonymity = orDefault(c.Anonymity, AnonNone)
	c.Relay = orDefault(c.Relay, RelayApprove)
	c.Share = orDefault(c.Share, ShareScope)
	return &c
}

// ConsentKind returns the name of the template's consent kind ("" if none).
func (t *Template) ConsentKind() string {
	for _, n := range sortedKeys(t.Kinds) {
		if t.Kinds[n].Consent {
			return n
		}
	}
	return ""
}

// KindNames returns the names of the kinds /round opens, sorted: those
// that collect answers (consent rounds are opened with /consent).
func (t *Template) KindNames() []string {
	var names []string
	for _, n := range sortedKeys(t.Kinds) {
		if !t.Kinds[n].Announce && !t.Kinds[n].Consent {
			names = append(names, n)
		}
	}
	return names
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

//go:embed templates/*.toml
var builtinFS embed.FS

// BuiltinTemplates returns the templates shipped with Samen, parsed, by name.
// A problem in one is a programming error (tests check every file), so it panics.
func BuiltinTemplates(validZone func(string) bool) map[string]*Template {
	out := map[string]*Template{}
	files, err := fs.Glob(builtinFS, "templates/*.toml")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		data, err := builtinFS.ReadFile(f)
		if err != nil {
			panic(err)
		}
		t, problems := ParseTemplate(path.Join("flows", f), data, validZone)
		if len(problems) > 0 {
			panic(fmt.Sprintf("built-in template %s: %v", f, problems))
		}
		out[t.Name] = t
	}
	return out
}

// BuiltinTemplateFiles returns the embedded template files by path, for `samen check`'s tests.
func BuiltinTemplateFiles() map[string][]byte {
	out := map[string][]byte{}
	files, _ := fs.Glob(builtinFS, "templates/*.toml")
	for _, f := range files {
		data, _ := builtinFS.ReadFile(f)
		out[f] = data
	}
	return out
}

// DefaultTemplate is the template /new uses.
const DefaultTemplate = "samenlevingsproces"
