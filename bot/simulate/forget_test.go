package simulate

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/samen-bot/samen/flows"
	"github.com/samen-bot/samen/store/storetest"
)

// TestForgetEveryoneInEveryScript runs each golden script twice: as it is,
// and with everyone but the creating facilitator asking, one after the
// other, to be forgotten at the end (/forget and the button). It then
// checks that nothing in the store holds a forgotten person's id or name,
// that the record names nobody of them, and that every decision the
// groups took reads the same as without the erasure.
func TestForgetEveryoneInEveryScript(t *testing.T) {
	scripts, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts in testdata/ (%v)", err)
	}
	for _, path := range scripts {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src := mustRead(t, path)
			people, creators := scriptPeople(src)
			plain := openBolt(t)
			runForget(t, src, plain)
			var extra strings.Builder
			var forgotten []string
			for _, p := range people {
				if slices.Contains(creators, p.id) {
					continue
				}
				label := "Ja, vergeet mij"
				if personalLanguage(src, p.id) == "en" {
					label = "Yes, forget me"
				}
				fmt.Fprintf(&extra, "%s: /forget\n%s presses %q\n", p.id, p.id, label)
				forgotten = append(forgotten, p.id)
			}
			fmt.Fprintf(&extra, "%s: /export\n", creators[0])
			for backend, open := range map[string]func(*testing.T) storetest.Store{
				"bolt":  func(t *testing.T) storetest.Store { return openBolt(t) },
				"redis": func(t *testing.T) storetest.Store { return openRedis(t) },
			} {
				t.Run(backend, func(t *testing.T) {
					st := open(t)
					res := runForget(t, src+"\n"+extra.String(), st)
					checkForgotten(t, st, res, people, forgotten)
					checkSameDecisions(t, decisions(t, plain), decisions(t, st))
				})
			}
		})
	}
}

type scriptPerson struct{ id, name string }

var personLine = regexp.MustCompile(`(?m)^person (\S+) "([^"]+)"`)

// scriptPeople lists a script's people and who made a process (/new):
// the only facilitator of their process, whom Samen will not forget.
func scriptPeople(src string) (people []scriptPerson, creators []string) {
	for _, m := range personLine.FindAllStringSubmatch(src, -1) {
		people = append(people, scriptPerson{m[1], m[2]})
	}
	for _, m := range regexp.MustCompile(`(?m)^(\S+)(?: in \S+)?: /new `).FindAllStringSubmatch(src, -1) {
		creators = append(creators, m[1])
	}
	return people, creators
}

// personalLanguage is the language the bot speaks with id at the end of
// the script: their last valid /lang, else the process's (/set language).
func personalLanguage(src, id string) string {
	lang := ""
	for _, m := range regexp.MustCompile(`(?m)^(?:`+regexp.QuoteMeta(id)+`: /lang|\S+: /set language) (nl|en)$`).FindAllStringSubmatch(src, -1) {
		if strings.Contains(m[0], "/lang") || lang == "" {
			lang = m[1]
		}
	}
	return lang
}

// runForget runs a script that must hold (runScriptFiles) and stops the
// test if it did not: the checks after it would only repeat the failure.
func runForget(t *testing.T, src string, st storetest.Store) *Result {
	t.Helper()
	res := runScriptFiles(t, src, st)
	if t.Failed() {
		t.FailNow()
	}
	return res
}

func checkForgotten(t *testing.T, st storetest.Store, res *Result, people []scriptPerson, forgotten []string) {
	t.Helper()
	ctx := context.Background()
	names := map[string]string{}
	for _, p := range people {
		names[p.id] = p.name
	}
	var dump []string
	if err := st.Dump(ctx, func(key string, value []byte) error {
		dump = append(dump, key+" = "+string(value))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, id := range forgotten {
		idMark := regexp.MustCompile(regexp.QuoteMeta(Platform+":"+id) + `\b`)
		for _, kv := range dump {
			if idMark.MatchString(kv) {
				t.Errorf("after %s was forgotten the store holds their id: %.300q", id, kv)
			}
		}
	}
	// Names are checked where the bot puts them: the name fields of every
	// event (free text by others may mention anyone).
	procs, err := st.Processes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		raw, err := st.ReadLog(ctx, p, 1, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range raw {
			var e map[string]any
			if err := json.Unmarshal(r, &e); err != nil {
				t.Fatal(err)
			}
			for _, v := range nameValues(e) {
				for _, id := range forgotten {
					if v == names[id] && !stillNamed(names, forgotten, v) {
						t.Errorf("event %v (%v) still names %s: %.300s", e["v"], e["type"], v, r)
					}
				}
			}
		}
	}
	records := 0
	for file, doc := range res.Files {
		if !strings.HasPrefix(file, "verslag") {
			continue
		}
		records++
		// Where the record attributes something to a person (free text by
		// others may still mention anyone: a facilitator's reason for
		// hiding an answer names whom it was about).
		for _, id := range forgotten {
			n := regexp.QuoteMeta(names[id])
			if stillNamed(names, forgotten, names[id]) {
				continue
			}
			attributed := regexp.MustCompile(`(• |door |— |· |^- )` + n + `\b|\b` + n + ` \(`)
			for _, line := range strings.Split(string(doc), "\n") {
				if attributed.MatchString(line) {
					t.Errorf("the record %s still attributes to %s: %q", file, names[id], line)
				}
			}
		}
	}
	if records == 0 {
		t.Error("no record was exported")
	}
}

// stillNamed reports whether someone not forgotten bears the same name.
func stillNamed(names map[string]string, forgotten []string, name string) bool {
	for id, n := range names {
		if n == name && !slices.Contains(forgotten, id) {
			return true
		}
	}
	return false
}

// nameValues collects the values of every name field in a decoded event.
func nameValues(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "name" || k == "author_name") {
				out = append(out, s)
			}
			out = append(out, nameValues(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, nameValues(x)...)
		}
	}
	return out
}

// decided is what a process decided: per closed round its final tally and
// the groups' decisions with their counts, per proposal what was adopted
// and which groups confirmed, per objection its state.
type decided struct {
	Rounds     []string
	Proposals  []string
	Objections []string
}

func decisions(t *testing.T, st storetest.Store) map[string]decided {
	t.Helper()
	ctx := context.Background()
	procs, err := st.Processes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]decided{}
	for _, id := range procs {
		raw, err := st.ReadLog(ctx, id, 1, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		p := &flows.Process{}
		if err := flows.Replay(p, raw); err != nil {
			t.Fatal(err)
		}
		var d decided
		for _, r := range p.Rounds {
			if r.Open() {
				continue
			}
			final := "no final tally"
			if r.Final != nil {
				final = fmt.Sprintf("%d answers %v", len(r.Final.Answers), r.Final.Progress)
			}
			votes := map[string]int{}
			for _, v := range r.Votes {
				votes[v.Choice]++
			}
			decisions, _ := json.Marshal(r.Decisions)
			d.Rounds = append(d.Rounds, fmt.Sprintf("round %d: %s; votes %v; decisions %s", r.N, final, votes, decisions))
		}
		for _, pr := range p.Proposals {
			var confirmed []string
			for v, groups := range pr.Confirmed {
				for g := range groups {
					confirmed = append(confirmed, fmt.Sprintf("v%d:%s", v, g))
				}
			}
			slices.Sort(confirmed)
			d.Proposals = append(d.Proposals, fmt.Sprintf("proposal %d: %d versions, adopted %d, confirmed %v", pr.N, len(pr.Versions), pr.Adopted, confirmed))
		}
		for _, o := range p.Objections {
			d.Objections = append(d.Objections, fmt.Sprintf("objection %d on %d.%d: %s", o.ID, o.Proposal, o.Version, o.State))
		}
		out[id] = d
	}
	return out
}

func checkSameDecisions(t *testing.T, want, got map[string]decided) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d processes after forgetting, %d before", len(got), len(want))
	}
	for id, w := range want {
		g := got[id]
		for _, part := range []struct {
			what      string
			want, got []string
		}{{"rounds", w.Rounds, g.Rounds}, {"proposals", w.Proposals, g.Proposals}, {"objections", w.Objections, g.Objections}} {
			if !slices.Equal(part.want, part.got) {
				t.Errorf("process %s: the %s read differently after forgetting:\nbefore %q\nafter  %q", id, part.what, part.want, part.got)
			}
		}
	}
}
