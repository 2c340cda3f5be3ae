package simulate

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// Platform is the prefix of the simulator's chat and user ids.
const Platform = "sim"

// BotName is the simulated bot's username, for /cmd@samenbot.
const BotName = "samenbot"

// Options configures a run.
type Options struct {
	// Store holds the state (the embedded store, or Redis in tests).
	Store bot.Store
	// Secret keys the bot's hashes. Default: a fixed value, so that
	// transcripts are the same on every run.
	Secret []byte
	Logger *slog.Logger
	// SnapshotEvery is passed to the bot (0: its default).
	SnapshotEvery int
}

// DefaultSecret makes simulated runs reproducible. Never use it for a real bot.
var DefaultSecret = []byte("samen-simulate-fixed-secret-do-not-use-in-production")

// Result is what a run produced.
type Result struct {
	// Transcript is who said what, and what the bot answered, in order.
	Transcript string
	// Failures are the expectations and checks that did not hold.
	Failures []Failure
	// Sent is every message the bot sent or edited, as delivered.
	Sent []Delivered
	// Files are the documents the bot sent (the record of /export), by
	// name; a later document of the same name replaces an earlier one.
	Files map[string][]byte
	// Documents are all of them, in order, with where they went.
	Documents []Document
}

// Document is a file the bot sent.
type Document struct {
	Place string // as in Delivered
	Name  string
	Data  []byte
}

// Failure is an expectation that did not hold.
type Failure struct {
	Line int
	Msg  string
}

func (f Failure) String() string { return fmt.Sprintf("line %d: %s", f.Line, f.Msg) }

// Delivered is one message as the simulated platform received it.
type Delivered struct {
	Place string // a chat id, or "@" and a person id for a private chat
	ID    int
	Edit  bool
	Text  string
}

// Run runs a script. It returns an error for a malformed script (a
// *ScriptError) or when the bot could not run; expectations that fail are
// in the Result.
func Run(ctx context.Context, src string, opts Options) (*Result, error) {
	sc, err := parseScript(src)
	if err != nil {
		return nil, err
	}
	sim := &simulator{script: sc, store: opts.Store, now: sc.start, messages: map[int]*message{}, vars: map[string]string{}, files: map[string][]byte{}}
	secret := opts.Secret
	if secret == nil {
		secret = DefaultSecret
	}
	sim.bot, err = bot.New(bot.Config{Store: opts.Store, Secret: secret, Logger: opts.Logger, Now: sim.clock, SnapshotEvery: opts.SnapshotEvery})
	if err != nil {
		return nil, err
	}
	sim.sender = bot.NewSender(opts.Store, sim.bot.Renderer(), map[string]bot.Transport{Platform: sim}, opts.Logger)
	sim.printf("== %s ==\n", sim.formatNow())
	for _, st := range sc.steps {
		if err := sim.step(ctx, st); err != nil {
			return nil, fmt.Errorf("line %d: %w", st.line, err)
		}
	}
	return &Result{Transcript: sim.out.String(), Failures: sim.failures, Sent: sim.sent, Files: sim.files, Documents: sim.documents}, nil
}

type simulator struct {
	script *script
	store  bot.Store
	bot    *bot.Bot
	sender *bot.Sender

	mu        sync.Mutex
	now       time.Time
	seq       int
	nextID    int
	messages  map[int]*message
	out       strings.Builder
	since     []Delivered // what the bot said since the last action
	sent      []Delivered
	failures  []Failure
	files     map[string][]byte
	documents []Document
	// vars are $CODE (the process last created) and $FCODE (the last
	// co-facilitator code the bot gave), for scripts to use in commands.
	vars map[string]string
}

var facilitatorCodePattern = regexp.MustCompile(`\b[A-Z2-9]{4}-[A-Z2-9]{4}\b`)

// expand replaces $CODE and $FCODE in a script's text.
func (s *simulator) expand(text string) string {
	for _, name := range []string{"$FCODE", "$CODE"} {
		if v, ok := s.vars[name]; ok {
			text = strings.ReplaceAll(text, name, v)
		}
	}
	return text
}

// message is a bot message as the simulated chat shows it now.
type message struct {
	id      int
	place   string
	ref     string
	lines   []string
	buttons [][]bot.Button
}

func (s *simulator) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

func (s *simulator) printf(format string, args ...any) { fmt.Fprintf(&s.out, format, args...) }

func (s *simulator) formatNow() string {
	return s.clock().Format("Mon 2 Jan 2006 15:04 MST")
}

func (s *simulator) step(ctx context.Context, st step) error {
	switch st.kind {
	case stepMessage, stepPress:
		s.since = nil
		u, err := s.update(st)
		if err != nil {
			s.failures = append(s.failures, Failure{st.line, err.Error()})
			return nil
		}
		reply, err := s.bot.Handle(ctx, u)
		if err != nil {
			return err
		}
		if reply != nil {
			place := placeOf(u.Chat)
			if reply.Private {
				place = "@" + st.person
			}
			s.show(place, 0, "", reply.Text, reply.Buttons)
			if f := reply.File; f != nil {
				s.files[f.Name] = f.Data
				s.documents = append(s.documents, Document{Place: place, Name: f.Name, Data: f.Data})
				s.printf("    📎 %s (%d bytes)\n", f.Name, len(f.Data))
			}
		}
		if strings.HasPrefix(u.Text, "/new") {
			if id, err := s.bot.CurrentProcess(ctx, u.User); err == nil {
				s.vars["$CODE"] = id
			}
		}
		return s.sender.FlushAll(ctx)
	case stepAt:
		s.since = nil
		s.mu.Lock()
		if st.absolute {
			s.now = st.clock
		} else {
			s.now = s.now.Add(st.advance)
		}
		s.mu.Unlock()
		s.printf("== %s ==\n", s.formatNow())
		if _, err := s.bot.RunDue(ctx); err != nil {
			return err
		}
		return s.sender.FlushAll(ctx)
	case stepExpect:
		for _, d := range s.since {
			if d.Place == s.placeOfName(st.chat) && strings.Contains(d.Text, st.text) {
				return nil
			}
		}
		s.failures = append(s.failures, Failure{st.line, fmt.Sprintf("expected the bot to say %q in %s; it said: %s", st.text, st.chat, s.saidIn(s.placeOfName(st.chat)))})
	case stepExpectNot:
		for _, d := range s.since {
			if d.Place == s.placeOfName(st.chat) && strings.Contains(d.Text, st.text) {
				s.failures = append(s.failures, Failure{st.line, fmt.Sprintf("expected the bot not to say %q in %s; it said: %q", st.text, st.chat, d.Text)})
			}
		}
	case stepExpectNothing:
		if said := s.saidIn(s.placeOfName(st.chat)); said != "nothing" {
			s.failures = append(s.failures, Failure{st.line, fmt.Sprintf("expected the bot to say nothing in %s; it said: %s", st.chat, said)})
		}
	case stepCheck:
		got, err := s.bot.ChatStatus(ctx, chatID(st.chat))
		if err != nil {
			s.failures = append(s.failures, Failure{st.line, fmt.Sprintf("check %s: %v", st.chat, err)})
			return nil
		}
		have := map[string]string{"members": strconv.Itoa(got.Members), "answered": strconv.Itoa(got.Answered),
			"passed": strconv.Itoa(got.Passed), "round": strconv.Itoa(got.Round)}
		if needsProcess(st.want) {
			p, err := s.process(ctx, got.Process)
			if err != nil {
				return err
			}
			for k, v := range s.processFields(p, chatID(st.chat)) {
				have[k] = v
			}
		}
		for _, k := range checkFields {
			if want, ok := st.want[k]; ok && have[k] != want {
				s.failures = append(s.failures, Failure{st.line, fmt.Sprintf("check %s: %s=%s, want %s", st.chat, k, have[k], want)})
			}
		}
	}
	return nil
}

// needsProcess reports whether a check asks for more than ChatStatus tells.
func needsProcess(want map[string]string) bool {
	for _, k := range []string{"turn", "held", "started", "hidden", "paused"} {
		if _, ok := want[k]; ok {
			return true
		}
	}
	return false
}

// process reads a process's state from the store, as the bot does.
func (s *simulator) process(ctx context.Context, id string) (*flows.Process, error) {
	h, err := s.store.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &flows.Process{}
	if h.Snapshot != nil {
		if p, err = flows.DecodeSnapshot(h.Snapshot); err != nil {
			return nil, err
		}
	}
	if err := flows.Replay(p, h.Events); err != nil {
		return nil, err
	}
	return p, nil
}

// processFields are the checks read from the process's state for chat:
// who holds the talking piece in the round open there (turn; none without
// one), the answers held for a later turn (held), the members who started
// an open intake and have not finished it (started), the answers kept out
// of the summary of the chat's latest round (hidden), and whether the
// process is paused.
func (s *simulator) processFields(p *flows.Process, chat flows.ChatID) map[string]string {
	out := map[string]string{"turn": "none", "held": "0", "started": "0", "hidden": "0", "paused": "0"}
	if !p.PausedAt.IsZero() {
		out["paused"] = "1"
	}
	g := p.GroupByChat(chat)
	key := flows.GroupID("joint")
	if g != nil {
		key = g.ID
	}
	if r := p.OpenRoundIn(chat); r != nil {
		if t := r.Turns[key]; t != nil {
			if u := t.Current(); u != "" {
				out["turn"] = strings.TrimPrefix(string(u), Platform+":")
			}
			out["held"] = strconv.Itoa(len(t.Held))
		}
		started := 0
		for u := range r.Intake {
			if m := p.Members[u]; m != nil && g != nil && m.Group == g.ID {
				started++
			}
		}
		out["started"] = strconv.Itoa(started)
	}
	for i := len(p.Rounds) - 1; i >= 0; i-- {
		r := p.Rounds[i]
		in := r.Joint && p.Joint == chat
		for _, id := range r.Groups {
			in = in || (g != nil && id == g.ID)
		}
		if in {
			out["hidden"] = strconv.Itoa(len(r.Hidden))
			break
		}
	}
	return out
}

func (s *simulator) saidIn(place string) string {
	var said []string
	for _, d := range s.since {
		if d.Place == place {
			said = append(said, strconv.Quote(d.Text))
		}
	}
	if len(said) == 0 {
		return "nothing"
	}
	return strings.Join(said, "; ")
}

// update turns a script action into the update a platform adapter would
// give the bot, and prints the action.
func (s *simulator) update(st step) (*bot.Update, error) {
	s.seq++
	name := s.script.people[st.person]
	u := &bot.Update{
		Key:     fmt.Sprintf("%s:%d", Platform, s.seq),
		User:    userID(st.person),
		Name:    name,
		BotName: BotName,
	}
	if st.chat == "" {
		u.Chat = flows.Chat{ID: flows.ChatID(u.User), Private: true}
	} else {
		u.Chat = flows.Chat{ID: chatID(st.chat), Title: s.script.chats[st.chat]}
	}
	place := placeOf(u.Chat)
	if st.chat == "" {
		place = "@" + st.person
	}
	if st.kind == stepPress {
		intent, ok := s.findButton(place, st.text)
		if !ok {
			return nil, fmt.Errorf("%s sees no button %q in %s", st.person, st.text, placeName(place))
		}
		u.Button = &intent
		s.printf("[%s] %s presses [%s]\n", placeName(place), name, st.text)
		return u, nil
	}
	u.Text, u.Edited, u.Attachment = s.expand(st.text), st.edited, st.attach
	u.ReplyToBot = st.replyTo == "bot"
	u.ReplyToOther = st.replyTo != "" && st.replyTo != "bot"
	if u.ReplyToOther {
		u.ReplyToUser = userID(st.replyTo)
	}
	for _, word := range strings.Fields(u.Text) {
		if name, ok := strings.CutPrefix(word, "@"); ok {
			if _, known := s.script.people[name]; known {
				u.Mentions = append(u.Mentions, userID(name))
			}
		}
	}
	if u.ReplyToBot {
		id := st.replyID
		if id == 0 {
			id = s.newestRoundMessage(place)
		}
		if m := s.messages[id]; m == nil || m.place != place {
			return nil, fmt.Errorf("%s cannot reply to #%d: it is not a bot message in %s", st.person, id, placeName(place))
		}
		u.ReplyToMessage = strconv.Itoa(id)
	}
	what := u.Text
	switch {
	case st.attach != "" && u.ReplyToBot:
		what = "↩#" + u.ReplyToMessage + " (" + st.attach + ")"
	case st.attach != "":
		what = "(" + st.attach + ")"
	case st.edited:
		what = "✎ " + what
	case u.ReplyToBot:
		what = "↩#" + u.ReplyToMessage + " " + what
	case u.ReplyToOther:
		what = "↩" + s.script.people[st.replyTo] + " " + what
	}
	s.printf("[%s] %s: %s\n", placeName(place), name, what)
	return u, nil
}

// newestRoundMessage is what "replies" answers: the newest round message in
// place (the newest bot message if there is none).
func (s *simulator) newestRoundMessage(place string) int {
	newest := 0
	for id := s.nextID; id > 0; id-- {
		m := s.messages[id]
		if m == nil || m.place != place {
			continue
		}
		if strings.HasPrefix(m.ref, "round/") {
			return id
		}
		if newest == 0 {
			newest = id
		}
	}
	return newest
}

// findButton finds the newest message in place with a button labelled label.
func (s *simulator) findButton(place, label string) (flows.Intent, bool) {
	for id := s.nextID; id > 0; id-- {
		m := s.messages[id]
		if m == nil || m.place != place {
			continue
		}
		for _, row := range m.buttons {
			for _, b := range row {
				if b.Label == label {
					return b.Intent, true
				}
			}
		}
	}
	return flows.Intent{}, false
}

// Deliver is the simulated platform receiving an outbound message.
func (s *simulator) Deliver(_ context.Context, m bot.OutMessage) (string, error) {
	place := string(m.Chat)
	if m.User != "" {
		place = "@" + strings.TrimPrefix(m.User, Platform+":")
	}
	if m.EditID != "" {
		id, err := strconv.Atoi(m.EditID)
		if err != nil || s.messages[id] == nil {
			return "", fmt.Errorf("edit of unknown message %q: %w", m.EditID, bot.ErrUndeliverable)
		}
		s.show(place, id, m.Ref, m.Text, m.Buttons)
		return m.EditID, nil
	}
	return strconv.Itoa(s.show(place, 0, m.Ref, m.Text, m.Buttons)), nil
}

// show prints a bot message (a new one, or an edit of message id) and
// remembers its buttons. An edit prints only the lines that changed, so a
// live progress line reads as one line in the transcript.
func (s *simulator) show(place string, id int, ref string, text bot.Rich, buttons [][]bot.Button) int {
	body := richText(text)
	lines := strings.Split(body, "\n")
	prev := s.messages[id]
	if prev == nil {
		s.nextID++
		id = s.nextID
		s.printf("[%s] Samen #%d: %s\n", placeName(place), id, strings.Join(lines, "\n    "))
		s.printButtons(buttons)
	} else {
		changed := changedLines(prev.lines, lines)
		s.printf("[%s] Samen #%d ✎: %s\n", placeName(place), id, strings.Join(changed, "\n    "))
		if !sameButtons(prev.buttons, buttons) {
			if len(buttons) == 0 {
				s.printf("    (no buttons)\n")
			}
			s.printButtons(buttons)
		}
	}
	s.messages[id] = &message{id: id, place: place, ref: ref, lines: lines, buttons: buttons}
	if code := facilitatorCodePattern.FindString(body); code != "" {
		s.vars["$FCODE"] = code
	}
	d := Delivered{Place: place, ID: id, Edit: prev != nil, Text: body}
	s.since = append(s.since, d)
	s.sent = append(s.sent, d)
	return id
}

func (s *simulator) printButtons(buttons [][]bot.Button) {
	for _, row := range buttons {
		var labels []string
		for _, b := range row {
			labels = append(labels, "["+b.Label+"]")
		}
		s.printf("    %s\n", strings.Join(labels, " "))
	}
}

// changedLines returns the lines of next that prev does not have at the
// same position (all of next if nothing changed, which shows a no-op edit).
func changedLines(prev, next []string) []string {
	var out []string
	for i, l := range next {
		if i >= len(prev) || prev[i] != l {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return []string{"(unchanged)"}
	}
	return out
}

func sameButtons(a, b [][]bot.Button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func (s *simulator) placeOfName(name string) string {
	if _, ok := s.script.people[name]; ok {
		return "@" + name
	}
	return string(chatID(name))
}

func chatID(name string) flows.ChatID { return flows.ChatID(Platform + ":" + name) }
func userID(name string) flows.UserID { return flows.UserID(Platform + ":" + name) }

func placeOf(c flows.Chat) string {
	if c.Private {
		return "@" + strings.TrimPrefix(string(c.ID), Platform+":")
	}
	return string(c.ID)
}

// placeName is how the transcript names a place: the chat's id, or @person.
func placeName(place string) string { return strings.TrimPrefix(place, Platform+":") }

// richText writes rich text the way the script reads it: *bold*, _italic_.
func richText(r bot.Rich) string {
	var b strings.Builder
	for _, sp := range r {
		text := sp.Text
		// Keep markers outside surrounding spaces and newlines, as a chat would.
		lead := len(text) - len(strings.TrimLeft(text, " \n"))
		trail := len(text) - len(strings.TrimRight(text, " \n"))
		if lead == len(text) {
			b.WriteString(text)
			continue
		}
		core := text[lead : len(text)-trail]
		if sp.Style&bot.Italic != 0 {
			core = "_" + core + "_"
		}
		if sp.Style&bot.Bold != 0 {
			core = "*" + core + "*"
		}
		b.WriteString(text[:lead] + core + text[len(text)-trail:])
	}
	return b.String()
}
