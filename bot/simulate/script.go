package simulate

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// step is one line of a script that does or checks something.
type step struct {
	line int
	kind stepKind

	person  string // who acts
	chat    string // where (a chat name, or "" for the person's private chat)
	text    string // message text, button label or expected substring
	replyTo string // "bot", or the person replied to; "" for none
	replyID int    // the bot message replied to (#N), 0 for the newest round message
	edited  bool
	attach  string

	clock    time.Time // for at: an absolute time
	advance  time.Duration
	absolute bool

	want map[string]string // for check: field → wanted value
}

type stepKind int

const (
	stepMessage stepKind = iota
	stepPress
	stepAt
	stepExpect
	stepExpectNot
	stepExpectNothing
	stepCheck
)

// script is a parsed script.
type script struct {
	start  time.Time
	people map[string]string // id → shown name
	chats  map[string]string // id → title
	order  []string          // chats in declaration order
	steps  []step
}

// ScriptError is a mistake in a script, with its line.
type ScriptError struct {
	Line int
	Msg  string
}

func (e *ScriptError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// defaultStart is when a script without a clock line begins.
var defaultStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func parseScript(src string) (*script, error) {
	s := &script{start: defaultStart, people: map[string]string{}, chats: map[string]string{}}
	for i, raw := range strings.Split(src, "\n") {
		n := i + 1
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fail := func(format string, args ...any) error {
			return &ScriptError{Line: n, Msg: fmt.Sprintf(format, args...)}
		}
		word, rest := cut(line)
		switch word {
		case "clock":
			if len(s.steps) > 0 {
				return nil, fail("clock must come before the first action; use at to move it")
			}
			t, err := parseTime(rest)
			if err != nil {
				return nil, fail("%v", err)
			}
			s.start = t
		case "person", "chat":
			id, title, ok := cut2(rest)
			if !ok || title == "" {
				return nil, fail("write: %s <id> \"<name>\"", word)
			}
			if _, dup := s.people[id]; dup {
				return nil, fail("%q is already a person", id)
			}
			if _, dup := s.chats[id]; dup {
				return nil, fail("%q is already a chat", id)
			}
			if word == "person" {
				s.people[id] = title
			} else {
				s.chats[id] = title
				s.order = append(s.order, id)
			}
		case "at":
			st := step{line: n, kind: stepAt}
			if d, ok := strings.CutPrefix(rest, "+"); ok {
				dur, err := parseDuration(d)
				if err != nil {
					return nil, fail("%v", err)
				}
				st.advance = dur
			} else {
				t, err := parseTime(rest + " " + s.start.Location().String())
				if err != nil {
					return nil, fail("%v", err)
				}
				st.clock, st.absolute = t, true
			}
			s.steps = append(s.steps, st)
		case "expect":
			if chat, ok := strings.CutPrefix(rest, "nothing in "); ok {
				if err := s.knowsPlace(strings.TrimSpace(chat)); err != nil {
					return nil, fail("%v", err)
				}
				s.steps = append(s.steps, step{line: n, kind: stepExpectNothing, chat: strings.TrimSpace(chat)})
				continue
			}
			kind := stepExpect
			if r, ok := strings.CutPrefix(rest, "not "); ok {
				kind, rest = stepExpectNot, r
			}
			chat, text, ok := strings.Cut(rest, ":")
			if !ok || strings.TrimSpace(text) == "" {
				return nil, fail("write: expect [not] <chat>: <text>")
			}
			if err := s.knowsPlace(strings.TrimSpace(chat)); err != nil {
				return nil, fail("%v", err)
			}
			s.steps = append(s.steps, step{line: n, kind: kind, chat: strings.TrimSpace(chat), text: strings.TrimSpace(text)})
		case "check":
			chat, fields, ok := strings.Cut(rest, ":")
			chat = strings.TrimSpace(chat)
			if !ok {
				return nil, fail("write: check <chat>: members=4 answered=3 passed=1 round=3")
			}
			if _, isChat := s.chats[chat]; !isChat {
				return nil, fail("check needs a group chat, not %q", chat)
			}
			want := map[string]string{}
			for _, f := range strings.Fields(fields) {
				k, v, ok := strings.Cut(f, "=")
				if !ok {
					return nil, fail("bad check %q: use %s", f, checkFieldList)
				}
				if err := s.validCheck(k, v); err != nil {
					return nil, fail("bad check %q: %v", f, err)
				}
				want[k] = v
			}
			if len(want) == 0 {
				return nil, fail("check what? %s", checkFieldList)
			}
			s.steps = append(s.steps, step{line: n, kind: stepCheck, chat: chat, want: want})
		default:
			st, err := s.parseAction(word, rest)
			if err != nil {
				return nil, fail("%v", err)
			}
			st.line = n
			s.steps = append(s.steps, st)
		}
	}
	return s, nil
}

// checkFields are the fields a check line may assert, in the order they
// are compared. turn is a person (or none); the others are numbers.
var checkFields = []string{"members", "answered", "passed", "round", "turn", "held", "started", "hidden", "paused"}

const checkFieldList = "members=, answered=, passed=, round=, turn=, held=, started=, hidden=, paused="

// validCheck reports whether k=v is something a check can assert.
func (s *script) validCheck(k, v string) error {
	switch k {
	case "turn":
		if _, ok := s.people[v]; !ok && v != "none" {
			return fmt.Errorf("turn is a person, or none")
		}
		return nil
	case "paused":
		if v != "0" && v != "1" {
			return fmt.Errorf("paused is 0 or 1")
		}
		return nil
	}
	for _, f := range checkFields {
		if f == k {
			if n, err := strconv.Atoi(v); err != nil || n < 0 {
				return fmt.Errorf("%s is a number", k)
			}
			return nil
		}
	}
	return fmt.Errorf("use %s", checkFieldList)
}

// parseAction reads "<person> …": a message, a reply, an edit, an
// attachment or a button press.
func (s *script) parseAction(person, rest string) (step, error) {
	st := step{person: strings.TrimSuffix(person, ":")}
	if _, ok := s.people[st.person]; !ok {
		return st, fmt.Errorf("unknown person or command %q (declare people with: person <id> \"<name>\")", person)
	}
	if strings.HasSuffix(person, ":") {
		st.kind, st.text = stepMessage, strings.TrimSpace(rest)
		return st, nil
	}
	if what, ok := strings.CutPrefix(rest, "sends "); ok {
		st.kind, st.attach = stepMessage, strings.TrimSpace(what)
		if st.attach == "" || strings.ContainsAny(st.attach, " :") {
			return st, fmt.Errorf("write: %s sends <photo|voice|sticker>", person)
		}
		return st, nil
	}
	if label, ok := strings.CutPrefix(rest, "presses "); ok {
		st.kind = stepPress
		label = strings.TrimSpace(label)
		if !strings.HasPrefix(label, "\"") {
			return st, fmt.Errorf("write: %s presses \"<label>\" [in <chat>]", person)
		}
		end := strings.Index(label[1:], "\"")
		if end < 0 {
			return st, fmt.Errorf("unclosed quote in button label")
		}
		st.text = label[1 : end+1]
		after := strings.TrimSpace(label[end+2:])
		if chat, ok := strings.CutPrefix(after, "in "); ok {
			st.chat = strings.TrimSpace(chat)
			if _, ok := s.chats[st.chat]; !ok {
				return st, fmt.Errorf("unknown chat %q", st.chat)
			}
		} else if after != "" {
			return st, fmt.Errorf("after the label write: in <chat>, or nothing for the private chat")
		}
		return st, nil
	}
	place, ok := strings.CutPrefix(rest, "in ")
	if !ok {
		return st, fmt.Errorf("write: %s in <chat>: <text>, %s: <text>, or %s presses \"<label>\"", person, person, person)
	}
	head, text, hasText := strings.Cut(place, ":")
	fields := strings.Fields(head)
	if len(fields) == 0 {
		return st, fmt.Errorf("in which chat?")
	}
	st.chat = fields[0]
	if _, ok := s.chats[st.chat]; !ok {
		return st, fmt.Errorf("unknown chat %q", st.chat)
	}
	st.kind, st.text = stepMessage, strings.TrimSpace(text)
	switch verb := fields[1:]; {
	case len(verb) == 0:
	case len(verb) == 1 && verb[0] == "replies":
		st.replyTo = "bot"
	case len(verb) == 1 && verb[0] == "edits":
		st.replyTo, st.edited = "bot", true
	case len(verb) == 3 && verb[0] == "replies" && verb[1] == "to" && strings.HasPrefix(verb[2], "#"):
		n, err := strconv.Atoi(verb[2][1:])
		if err != nil || n < 1 {
			return st, fmt.Errorf("reply to which message? write: replies to #12")
		}
		st.replyTo, st.replyID = "bot", n
	case len(verb) == 3 && verb[0] == "replies" && verb[1] == "to":
		if _, ok := s.people[verb[2]]; !ok {
			return st, fmt.Errorf("unknown person %q", verb[2])
		}
		st.replyTo = verb[2]
	case len(verb) == 2 && verb[0] == "sends" && !hasText:
		st.attach = verb[1]
	case len(verb) == 3 && verb[0] == "replies" && verb[1] == "with" && !hasText:
		st.replyTo, st.attach = "bot", verb[2]
	default:
		return st, fmt.Errorf("unknown action %q: use replies, edits, replies to <person>, sends <photo|voice|sticker> or replies with <photo|voice|sticker>", strings.Join(verb, " "))
	}
	if !hasText && st.attach == "" {
		return st, fmt.Errorf("missing \": <text>\"")
	}
	return st, nil
}

func (s *script) knowsPlace(name string) error {
	if _, ok := s.chats[name]; ok {
		return nil
	}
	if _, ok := s.people[name]; ok {
		return nil
	}
	return fmt.Errorf("unknown chat or person %q", name)
}

func cut(s string) (string, string) {
	w, rest, _ := strings.Cut(s, " ")
	return w, strings.TrimSpace(rest)
}

// cut2 reads `id "quoted name"`.
func cut2(s string) (id, name string, ok bool) {
	id, rest := cut(s)
	rest = strings.TrimSpace(rest)
	if len(rest) < 2 || rest[0] != '"' || rest[len(rest)-1] != '"' {
		return id, "", false
	}
	return id, rest[1 : len(rest)-1], id != ""
}

// parseTime reads "2026-03-02 09:00 Europe/Amsterdam" (zone optional: UTC).
func parseTime(s string) (time.Time, error) {
	f := strings.Fields(s)
	if len(f) < 2 || len(f) > 3 {
		return time.Time{}, fmt.Errorf("write the time as 2026-03-02 09:00 Europe/Amsterdam")
	}
	loc := time.UTC
	if len(f) == 3 {
		l, err := time.LoadLocation(f[2])
		if err != nil {
			return time.Time{}, fmt.Errorf("unknown time zone %q", f[2])
		}
		loc = l
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", f[0]+" "+f[1], loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("write the time as 2026-03-02 09:00")
	}
	return t, nil
}

// parseDuration reads Go durations and whole days ("2d").
func parseDuration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q: write it like 24h, 90m or 2d", s)
	}
	return d, nil
}
