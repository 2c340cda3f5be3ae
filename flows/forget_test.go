package flows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// forgetLog is a small log in which wim does a bit of everything and is
// named by others: ilse nominates him, he nominates nobody but objects to
// sara's nomination, sara answers anonymously.
func forgetLog(t *testing.T) []Event {
	t.Helper()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	evs := []Event{
		{Actor: "ilse", At: at, Data: &ProcessCreated{ID: "P", Title: "Dorpsstraat", Name: "Ilse"}},
		{Actor: "wim", At: at, Data: &MemberJoined{User: "wim", Group: "g1", Name: "Wim"}},
		{Actor: "sara", At: at, Data: &MemberJoined{User: "sara", Group: "g1", Name: "Sara"}},
		{Actor: "wim", At: at, Data: &AnswerGiven{Round: 1, Key: "u:wim", Answer: Answer{Author: "wim", Name: "Wim", Group: "g1", Text: "Ik woon op nummer 12.", Level: AnonNone}}},
		{Data: &AnswerGiven{Round: 1, Key: "a:xyz", Answer: Answer{Pseudonym: "xyz", Group: "g1", Text: "Anoniem.", Level: AnonFull}}},
		{Actor: "wim", At: at, Data: &ProposalCreated{N: 1, Text: "Een hek om de tuin.", Name: "Wim"}},
		{Actor: "wim", At: at, Data: &VoteCast{Round: 2, User: "wim", Vote: Vote{Choice: VoteConcern, Group: "g1", Name: "Wim", Concern: "Mijn hond."}}},
		{Actor: "ilse", At: at, Data: &RepNominated{Nomination: Nomination{ID: 1, Group: "g1", User: "wim", Name: "Wim", By: "ilse"}}},
		{Actor: "wim", At: at, Data: &RepNominated{Nomination: Nomination{ID: 2, Group: "g1", User: "sara", Name: "Sara", By: "wim"}}},
		{Actor: "wim", At: at, Data: &RepObjected{ID: 2, Objection: RepObjection{By: "wim", Name: "Wim", Reason: "Sara woont hier pas net."}}},
		{Actor: "ilse", At: at, Data: &RoundClosed{Round: 1, Final: &Final{Answers: []string{"a:xyz", "u:wim"}}}},
		{Actor: "ilse", At: at, Data: &SynthesisAdded{Round: 1, Text: "Zorgen over verkeer."}},
		{Actor: "wim", At: at, Data: &PersonForgotten{User: "wim", Alias: "gone:1", Name: "oud-deelnemer 1"}},
	}
	for i := range evs {
		evs[i].Version = int64(i + 1)
		evs[i].Key = "k" + string(rune('a'+i))
	}
	return evs
}

func TestPseudonymiseRenamesAndErases(t *testing.T) {
	log := forgetLog(t)
	alias := Alias{User: "gone:1", Name: "oud-deelnemer 1", Erased: "(gewist)"}
	changed, err := Pseudonymise(log, "wim", alias)
	if err != nil {
		t.Fatal(err)
	}
	var untouched []int64
	for _, e := range log {
		if _, ok := changed[e.Version]; !ok {
			untouched = append(untouched, e.Version)
		}
	}
	// ProcessCreated, sara's joining, the anonymous answer, the synthesis.
	if want := []int64{1, 3, 5, 12}; !equalInts(untouched, want) {
		t.Errorf("untouched events %v, want %v", untouched, want)
	}
	var all strings.Builder
	for _, e := range log {
		if c, ok := changed[e.Version]; ok {
			e = c
		}
		raw, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(raw)
		all.WriteByte('\n')
	}
	out := all.String()
	for _, gone := range []string{`"wim"`, "u:wim", `"Wim"`, "nummer 12", "pas net"} {
		if strings.Contains(out, gone) {
			t.Errorf("the rewritten log still holds %s:\n%s", gone, out)
		}
	}
	for _, kept := range []string{
		`"actor":"gone:1"`, `"u:gone:1"`, `"name":"oud-deelnemer 1"`, // what he did, under the alias
		"Een hek om de tuin.",                       // a proposal's words stay
		`"user":"sara","name":"Sara","by":"gone:1"`, // the nominee he proposed keeps her name
		"Anoniem.", `"a:xyz"`, "Zorgen over verkeer.", `"Ilse"`,
		`"choice":"concern"`, `"concern":"Mijn hond."`, `"text":"(gewist)"`, `"reason":"(gewist)"`,
	} {
		if !strings.Contains(out, kept) {
			t.Errorf("the rewritten log lacks %s:\n%s", kept, out)
		}
	}
	// The erasure is finished once the rewrite is folded. (This log is
	// no whole process; the bot tests fold whole ones.)
	before := &Process{Facilitators: map[UserID]*Facilitator{}, Members: map[UserID]*Member{}}
	after := &Process{Facilitators: map[UserID]*Facilitator{}, Members: map[UserID]*Member{}}
	for _, e := range log {
		switch e.Data.(type) {
		case *ProposalCreated, *PersonForgotten:
			before.Apply(&e)
			if c, ok := changed[e.Version]; ok {
				e = c
			}
			after.Apply(&e)
		}
	}
	if len(before.Erasing) != 1 || len(after.Erasing) != 0 {
		t.Errorf("erasing before %v, after %v; want [wim] and none", before.Erasing, after.Erasing)
	}
	if after.Proposals[0].Versions[0].AuthorName != "oud-deelnemer 1" || after.Proposals[0].Versions[0].Author != "gone:1" {
		t.Errorf("proposal author after: %+v", after.Proposals[0].Versions[0])
	}
	// Nothing names wim any more: a second pass changes nothing.
	again, err := Pseudonymise(applyChanges(log, changed), "wim", alias)
	if err != nil || len(again) != 0 {
		t.Errorf("a second pass changed %d events (%v)", len(again), err)
	}
}

func applyChanges(log []Event, changed map[int64]Event) []Event {
	out := make([]Event, len(log))
	for i, e := range log {
		if c, ok := changed[e.Version]; ok {
			e = c
		}
		out[i] = e
	}
	return out
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPersonalEventsHideOthers(t *testing.T) {
	got, err := PersonalEvents(forgetLog(t), "wim")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	out := string(raw)
	var versions []int64
	for _, e := range got {
		versions = append(versions, e.Version)
	}
	// Everything of his or about him, and nothing else: not sara's
	// joining, not the anonymous answer, not the synthesis.
	if want := []int64{2, 4, 6, 7, 8, 9, 10, 11, 13}; !equalInts(versions, want) {
		t.Errorf("versions %v, want %v", versions, want)
	}
	for _, hidden := range []string{`"ilse"`, `"sara"`, "xyz", "Anoniem."} {
		if strings.Contains(out, hidden) {
			t.Errorf("the personal copy holds %s:\n%s", hidden, out)
		}
	}
	for _, shown := range []string{"Ik woon op nummer 12.", "Mijn hond.", `"by":"someone"`, `"u:wim"`} {
		if !strings.Contains(out, shown) {
			t.Errorf("the personal copy lacks %s:\n%s", shown, out)
		}
	}
}

func TestRetentionSteps(t *testing.T) {
	day := 24 * time.Hour
	created := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	rule := Retention{After: 100 * day, Notice: 14 * day}
	p := &Process{Created: created, LastActive: created.Add(10 * day)}
	purge := created.Add(110 * day)
	for _, tc := range []struct {
		now  time.Time
		want RetentionStep
	}{
		{created.Add(50 * day), RetentionWait},
		{purge.Add(-14*day - time.Second), RetentionWait},
		{purge.Add(-14 * day), RetentionNotify},
		{purge.Add(time.Hour), RetentionNotify}, // never deleted without notice
	} {
		if got := rule.Step(p, tc.now); got != tc.want {
			t.Errorf("at %v: %v, want %v", tc.now, got, tc.want)
		}
	}
	if (Retention{}).Step(p, purge.Add(1000*day)) != RetentionWait {
		t.Error("a zero rule deletes")
	}
	// Told late (the rule came in later): still 14 days' notice.
	late := purge.Add(30 * day)
	p.RetentionNoticed = late
	if got := rule.PurgeAt(p); !got.Equal(late.Add(14 * day)) {
		t.Errorf("purge at %v, want %v", got, late.Add(14*day))
	}
	if rule.Step(p, late.Add(14*day-time.Second)) != RetentionWait || rule.Step(p, late.Add(14*day)) != RetentionPurge {
		t.Error("a late notice does not hold the deletion for its 14 days")
	}
	// Activity after the notice makes it stale: a new notice comes first.
	p.LastActive = late.Add(day)
	if got := rule.Step(p, late.Add(200*day)); got != RetentionNotify {
		t.Errorf("after new activity: %v, want a new notice", got)
	}
}
