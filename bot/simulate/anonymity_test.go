package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store/storetest"
)

// anonymousScript: in Bewoners, Sara first passes, then answers
// anonymously after all, while Wim and Priya answer with their names;
// another member acts between Sara's button and her answer, as happens in
// a real chat.
const anonymousScript = `
person ilse "Ilse"
person wim "Wim"
person priya "Priya"
person sara "Sara"
person yusuf "Yusuf"
chat bewoners "Bewoners"
chat welkom "Welkom"
ilse: /new Anonimiteit
ilse in bewoners: /link $CODE Bewoners
ilse in welkom: /link $CODE Welkom
wim presses "Ik stem in en doe mee" in bewoners
priya presses "Ik stem in en doe mee" in bewoners
sara presses "Ik stem in en doe mee" in bewoners
yusuf presses "Ik stem in en doe mee" in welkom
ilse in bewoners: /round concerns all
sara presses "Ik pas" in bewoners
check bewoners: answered=0 passed=1
wim in bewoners replies: Ik maak me zorgen over het verkeer.
sara presses "Anoniem antwoorden" in bewoners
priya in bewoners replies: Ik wil weten wie er komt.
sara: ` + anonymousText + `
check bewoners: answered=3
sara presses "Anoniem antwoorden" in bewoners
sara: ` + anonymousText + ` Echt.
check bewoners: answered=3
yusuf in welkom replies: Welkom is iedereen.
ilse in bewoners: /close all
ilse presses "Goedkeuren en delen"
expect bewoners: Een deelnemer:
ilse: /export
sara: /mydata
wim: /mydata
priya: /mydata
yusuf: /mydata
ilse: /mydata
`

const anonymousText = "Ik durf in de buurtapp niet te zeggen dat ik er niet op tegen ben."

// TestAnonymousAnswerLeavesNoTrace dumps everything both stores hold after
// the script, and every message the bot sent, and looks for anything that
// ties Sara to her anonymous answer: her id, her name or her private chat
// next to the answer or its pseudonym, a time on it, an event of hers in
// the same commit, a pending answer left behind, a platform update id.
func TestAnonymousAnswerLeavesNoTrace(t *testing.T) {
	for name, open := range map[string]func(*testing.T) storetest.Store{
		"bolt":  func(t *testing.T) storetest.Store { return openBolt(t) },
		"redis": func(t *testing.T) storetest.Store { return openRedis(t) },
	} {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			// Every log line, at the lowest level, is searched too.
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug - 4}))
			res, err := Run(context.Background(), anonymousScript, Options{Store: st, SnapshotEvery: 5, Logger: logger})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Failures {
				t.Fatal(f)
			}
			checkNoTrace(t, st, res)
			t.Logf("%d bytes of logs searched", logs.Len())
			// The logs never get user ids or answer texts at all. Today
			// the core logs nothing in this run (the count above says so);
			// this guards the day a log line would.
			for _, mark := range append([]string{anonymousText}, saraMarks...) {
				if strings.Contains(logs.String(), mark) {
					t.Errorf("the logs hold %q:\n%s", mark, logs.String())
				}
			}
		})
	}
}

var (
	saraMarks     = []string{"sim:sara", "Sara", "@sara"}
	updateKeyLike = regexp.MustCompile(`sim:[0-9]+`)
)

func checkNoTrace(t *testing.T, st storetest.Store, res *Result) {
	ctx := context.Background()
	type record struct {
		key   string
		value []byte
	}
	var all []record
	if err := st.Dump(ctx, func(key string, value []byte) error {
		all = append(all, record{key, append([]byte(nil), value...)})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(all) < 10 {
		t.Fatalf("the dump has %d keys; it cannot have seen the store", len(all))
	}

	// The anonymous answer's events, decoded from the log.
	procs, err := st.Processes(ctx)
	if err != nil || len(procs) != 1 {
		t.Fatalf("processes: %v %v", procs, err)
	}
	raw, err := st.ReadLog(ctx, procs[0], 1, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var pseudonym string
	commits := map[string][]flows.Event{}
	var anonymous []flows.Event
	for _, r := range raw {
		var e flows.Event
		if err := json.Unmarshal(r, &e); err != nil {
			t.Fatal(err)
		}
		base, _, _ := strings.Cut(e.Key, "#")
		commits[base] = append(commits[base], e)
		if a, ok := e.Data.(*flows.AnswerGiven); ok && strings.HasPrefix(a.Answer.Text, anonymousText) {
			anonymous = append(anonymous, e)
			pseudonym = a.Answer.Pseudonym
		}
	}
	if len(anonymous) != 2 || pseudonym == "" {
		t.Fatalf("found %d anonymous answer events (pseudonym %q); want the answer and its edit", len(anonymous), pseudonym)
	}
	for _, e := range anonymous {
		a := e.Data.(*flows.AnswerGiven)
		if e.Actor != "" || !e.At.IsZero() || a.Answer.Author != "" || a.Answer.Name != "" {
			t.Errorf("anonymous answer event %d carries actor %q, time %v, author %q, name %q", e.Version, e.Actor, e.At, a.Answer.Author, a.Answer.Name)
		}
		base, _, _ := strings.Cut(e.Key, "#")
		for _, other := range commits[base] {
			if other.Actor != "" {
				t.Errorf("event %d (%s) by %s was committed together with the anonymous answer", other.Version, other.Data.EventType(), other.Actor)
			}
		}
	}
	// Neither her pass nor pressing the button for an anonymous answer
	// records anything under her name.
	for _, c := range commits {
		for _, e := range c {
			if e.Actor == "sim:sara" && e.Data.EventType() != "member_joined" {
				t.Errorf("event %d (%s) records Sara acting; her pass and the anonymous-answer button must leave no event with her name", e.Version, e.Data.EventType())
			}
		}
	}

	// Values are checked line by line: a Redis list or hash dumps as one
	// value with an item per line, and each item is its own record.
	var lines []record
	for _, r := range all {
		for _, l := range bytes.Split(r.value, []byte("\n")) {
			lines = append(lines, record{r.key, l})
		}
	}
	for _, r := range lines {
		v := r.value
		hasText := bytes.Contains(v, []byte(anonymousText)) || bytes.Contains(v, []byte(pseudonym))
		if updateKeyLike.Match(v) || updateKeyLike.MatchString(r.key) {
			t.Errorf("%s holds a platform update id: %.200q", r.key, v)
		}
		if strings.Contains(r.key, "await") {
			t.Errorf("a pending answer is left behind: %s = %q", r.key, v)
		}
		if !hasText {
			continue
		}
		if isSnapshot(r.key, v) {
			checkSnapshot(t, r.key, v, pseudonym)
			continue
		}
		for _, mark := range saraMarks {
			if bytes.Contains(v, []byte(mark)) {
				t.Errorf("%s holds the anonymous answer (or its pseudonym) next to %q: %.300q", r.key, mark, v)
			}
		}
	}

	// The record (/export) has the answer, unattributed.
	exported := 0
	for name, doc := range res.Files {
		for _, line := range strings.Split(string(doc), "\n") {
			if !strings.Contains(line, anonymousText) {
				continue
			}
			exported++
			for _, mark := range saraMarks {
				if strings.Contains(line, mark) {
					t.Errorf("the record %s names Sara next to her anonymous answer: %q", name, line)
				}
			}
		}
	}
	if exported == 0 {
		t.Error("the record does not contain the anonymous answer; the check above saw nothing")
	}

	// /mydata gives each person their own events: nobody's has the
	// anonymous answer or its pseudonym (Wim's has the round's closing,
	// which lists every answer's key).
	mydata := 0
	for _, doc := range res.Documents {
		if doc.Name != "mydata.json" {
			continue
		}
		mydata++
		for _, mark := range []string{anonymousText, pseudonym} {
			if bytes.Contains(doc.Data, []byte(mark)) {
				t.Errorf("the /mydata file sent to %s holds %q:\n%s", doc.Place, mark, doc.Data)
			}
		}
	}
	if mydata != 5 {
		t.Errorf("%d /mydata files, want 5", mydata)
	}

	for _, d := range res.Sent {
		if !strings.Contains(d.Text, anonymousText) {
			continue
		}
		if d.Place == "@sara" {
			t.Errorf("the bot sent Sara's anonymous answer back to her private chat (#%d)", d.ID)
		}
		for _, line := range strings.Split(d.Text, "\n") {
			if strings.Contains(line, anonymousText) && strings.Contains(line, "Sara") {
				t.Errorf("message #%d in %s names Sara next to the anonymous answer: %q", d.ID, d.Place, line)
			}
		}
	}
}

// isSnapshot reports whether a stored value is an encoded process state.
func isSnapshot(key string, v []byte) bool {
	return strings.Contains(key, "snap") || (bytes.Contains(v, []byte(`"facilitators"`)) && bytes.Contains(v, []byte(`"template"`)))
}

// checkSnapshot decodes a snapshot and checks that the anonymous answer is
// stored without author or name, and that the pseudonym appears nowhere
// but on the answer itself.
func checkSnapshot(t *testing.T, key string, v []byte, pseudonym string) {
	t.Helper()
	start := bytes.IndexByte(v, '{')
	if start < 0 {
		t.Fatalf("%s: no JSON in snapshot", key)
	}
	p, err := flows.DecodeSnapshot(v[start:])
	if err != nil {
		// A Redis hash dump renders fields around the JSON; take the object.
		end := bytes.LastIndexByte(v, '}')
		if p, err = flows.DecodeSnapshot(v[start : end+1]); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
	}
	uses := 0
	for _, r := range p.Rounds {
		for k, a := range r.Answers {
			if a.Pseudonym == pseudonym {
				uses++
				if a.Author != "" || a.Name != "" || k != "a:"+pseudonym {
					t.Errorf("%s: anonymous answer stored as %q with author %q, name %q", key, k, a.Author, a.Name)
				}
			}
		}
	}
	if uses != 1 {
		t.Errorf("%s: the pseudonym is on %d answers, want 1", key, uses)
	}
	// Take the answer (and its key in a round's final tally) away: the
	// pseudonym must then appear nowhere else in the state.
	for _, r := range p.Rounds {
		delete(r.Answers, "a:"+pseudonym)
		if r.Final != nil {
			r.Final.Answers = slices.DeleteFunc(r.Final.Answers, func(k string) bool { return k == "a:"+pseudonym })
		}
	}
	rest, err := flows.EncodeSnapshot(p)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(rest, []byte(pseudonym)) {
		t.Errorf("%s: the pseudonym appears elsewhere in the state than on the answer", key)
	}
}
