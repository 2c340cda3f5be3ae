package flows

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// overviewRun drives a process through real commands and keeps its log as
// a store would, for Overview.
type overviewRun struct {
	t      *testing.T
	p      *Process
	events []Event
	n      int
}

func (o *overviewRun) exec(now time.Time, cmd Command, key string) {
	o.t.Helper()
	d, err := Execute(o.p, cmd, testEnv(now), key)
	if err != nil {
		o.t.Fatalf("%T at %v: %v", cmd, now, err)
	}
	o.events = append(o.events, d.Events...)
}

// do executes cmd at now.
func (o *overviewRun) do(now time.Time, cmd Command) {
	o.t.Helper()
	o.n++
	o.exec(now, cmd, "ov"+strconv.Itoa(o.n))
}

// tick runs whatever is due at now, as the timer loop does.
func (o *overviewRun) tick(now time.Time) {
	o.t.Helper()
	for range 20 {
		id, ok := o.p.Due(testEnv(now))
		if !ok {
			return
		}
		o.exec(now, Tick{}, "timer:"+id)
	}
	o.t.Fatal("still due after 20 ticks")
}

func (o *overviewRun) overview(now time.Time) *Overview {
	return o.p.Overview(o.events, testEnv(now))
}

// hour is t0 plus h hours.
func hour(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }

// The people of the overview's process: group Bewoners (a Telegram group:
// Ann, Bob and Zoraida) and group Gemeente (a Discord channel: Dee and
// Eve); Fay facilitates. Zoraida answers anonymously; her name and id must
// appear nowhere.
var (
	ovFay      = Actor{User: "fay", Name: "Fay", Chat: Chat{ID: "fay", Private: true}}
	ovFayA     = Actor{User: "fay", Name: "Fay", Chat: Chat{ID: "tg:-1001"}}
	ovFayB     = Actor{User: "fay", Name: "Fay", Chat: Chat{ID: "dc:2002"}}
	ovFayJ     = Actor{User: "fay", Name: "Fay", Chat: Chat{ID: "tg:-1003"}}
	ovAnn      = Actor{User: "ann", Name: "Ann", Chat: Chat{ID: "tg:-1001"}}
	ovBob      = Actor{User: "bob", Name: "Bob", Chat: Chat{ID: "tg:-1001"}}
	ovZoraida  = Actor{User: "u-zq77", Name: "Zoraida", Chat: Chat{ID: "tg:-1001"}}
	ovZoraidaP = Actor{User: "u-zq77", Name: "Zoraida", Chat: Chat{ID: "u-zq77", Private: true}}
	ovDee      = Actor{User: "dee", Name: "Dee", Chat: Chat{ID: "dc:2002"}}
	ovEve      = Actor{User: "eve", Name: "Eve", Chat: Chat{ID: "dc:2002"}}
)

// Texts that must never reach the overview: answers, a concern, and who
// answered anonymously or objected.
const (
	ovAnnAnswer   = "Het verkeer is te druk voor kinderen."
	ovAnnEdited   = "Het verkeer is veel te druk voor kinderen."
	ovAnonymous   = "GEHEIM: ik durf dit niet hardop te zeggen."
	ovConcern     = "Te weinig mensen uit de Dorpsstraat."
	ovCloseReason = "Genoeg gehoord"
)

func ovVote(o *overviewRun, now time.Time, a Actor, round int, choice string) {
	o.t.Helper()
	cmd := CastVote{Actor: a, Round: round, Choice: choice}
	switch choice {
	case VoteConcern:
		cmd.Concern = ovConcern
	case VoteObjection:
		cmd.Form = []string{"de samenstelling", "de gemeente beslist alleen", "een stem voor bewoners", "aan de notulen"}
	}
	o.do(now, cmd)
}

// ovSetup is the process up to its first round: groups, members, quorum
// and representatives (Ann for Bewoners, Dee for Gemeente).
func ovSetup(t *testing.T) *overviewRun {
	o := &overviewRun{t: t, p: &Process{}}
	o.do(hour(0), Create{Actor: ovFay, ID: "OV1", Title: "Speeltuin Dorpsstraat", Template: BuiltinTemplates(nil)[DefaultTemplate]})
	o.do(hour(0), Link{Actor: ovFayA, Name: "Bewoners"})
	o.do(hour(0), Link{Actor: ovFayB, Name: "Gemeente"})
	o.do(hour(0), Link{Actor: ovFayJ, Name: "joint"})
	for _, a := range []Actor{ovAnn, ovBob, ovZoraida} {
		o.do(hour(0), AcceptRules{Actor: a, Group: "g1"})
	}
	for _, a := range []Actor{ovDee, ovEve} {
		o.do(hour(0), AcceptRules{Actor: a, Group: "g2"})
	}
	o.do(hour(0), ChangeSetting{Actor: ovFay, Key: SetQuorum, Value: "60% 2"})
	o.do(hour(0), NominateRep{Actor: ovFayA, Target: "ann"})
	o.do(hour(0), NominateRep{Actor: ovFayB, Target: "dee"})
	o.do(hour(1), AnswerNomination{Actor: Actor{User: "ann", Name: "Ann", Chat: Chat{ID: "ann", Private: true}}, Nomination: 1, Accept: true})
	o.do(hour(1), AnswerNomination{Actor: Actor{User: "dee", Name: "Dee", Chat: Chat{ID: "dee", Private: true}}, Nomination: 2, Accept: true})
	o.tick(hour(25))
	if len(o.p.Group("g1").Reps) != 1 || len(o.p.Group("g2").Reps) != 1 {
		t.Fatalf("representatives not installed: %v %v", o.p.Group("g1").Reps, o.p.Group("g2").Reps)
	}
	return o
}

// ovRun is a whole short process: a concerns round (answered by name, edited,
// answered anonymously, passed), closed early and relayed; proposal 1 with
// consent (Bewoners: a consent and an objection; Gemeente: a concern and a
// consent), Gemeente confirming version 1; a substantive amendment that
// resolves the objection, consent on version 2 by both groups, confirmed by
// both representatives: adopted. It returns the overviews taken with
// round 1 open and with round 3 open, and the run at its end.
func ovRun(t *testing.T) (round1Open, round3Open *Overview, o *overviewRun) {
	o = ovSetup(t)
	o.do(hour(26), OpenRound{Actor: ovFayA, Kind: "concerns", Scope: ScopeAll})
	o.do(hour(27), GiveAnswer{Actor: ovAnn, Text: ovAnnAnswer})
	o.do(hour(27), GiveAnswer{Actor: ovZoraidaP, Round: 1, Text: ovAnonymous, Anonymous: true})
	o.do(hour(28), GiveAnswer{Actor: ovAnn, Text: ovAnnEdited})
	o.do(hour(28), Pass{Actor: ovEve})
	round1Open = o.overview(hour(29))
	o.do(hour(30), Close{Actor: ovFay, Arg: "1 " + ovCloseReason})
	o.do(hour(31), Approve{Actor: ovFay, Round: 1})

	o.do(hour(48), Propose{Actor: ovFay, Text: "Er komt een klankbordgroep."})
	o.do(hour(48), StartConsent{Actor: ovFay, Proposal: 1})
	ovVote(o, hour(49), ovAnn, 2, VoteConsent)
	ovVote(o, hour(49), ovBob, 2, VoteObjection)
	ovVote(o, hour(49), ovDee, 2, VoteConcern)
	ovVote(o, hour(49), ovEve, 2, VoteConsent)
	o.do(hour(50), Close{Actor: ovFay, Arg: "2"})
	o.do(hour(51), Confirm{Actor: ovDee, Proposal: 1})

	o.do(hour(72), Amend{Actor: ovFay, Proposal: 1, Text: "Er komt een klankbordgroep die elke maand bijeenkomt."})
	o.do(hour(72), Classify{Actor: ovFay, Proposal: 1, V: 2, Change: ChangeSubstantive, Reason: "Het ritme verandert."})
	o.do(hour(73), ResolveObjection{Actor: ovBob, Objection: 1, V: "2"})
	o.do(hour(73), ResolveObjection{Actor: ovFay, Objection: 1, V: "2"})
	ovVote(o, hour(74), ovAnn, 3, VoteConsent)
	ovVote(o, hour(74), ovBob, 3, VoteConsent)
	ovVote(o, hour(74), ovDee, 3, VoteConsent)
	ovVote(o, hour(74), ovEve, 3, VoteConcern)
	ovVote(o, hour(75), ovEve, 3, VoteConsent) // a changed vote
	round3Open = o.overview(hour(75))
	o.do(hour(76), Close{Actor: ovFay, Arg: "3"})
	o.do(hour(77), Confirm{Actor: ovAnn, Proposal: 1})
	o.do(hour(77), Confirm{Actor: ovDee, Proposal: 1})
	if o.p.Proposal(1).Adopted != 2 {
		t.Fatalf("proposal 1 not adopted: %+v", o.p.Proposal(1))
	}
	return round1Open, round3Open, o
}

func TestOverviewProgressOfOpenRounds(t *testing.T) {
	r1, r3, _ := ovRun(t)

	if len(r1.Rounds) != 1 {
		t.Fatalf("%d rounds with round 1 open", len(r1.Rounds))
	}
	got := r1.Rounds[0]
	if !got.Open || got.N != 1 || got.Kind != "concerns" || got.Title != "Zorgen en ervaringen delen" || got.Consent || got.Relayed || got.AwaitsSummary {
		t.Errorf("round 1 while open: %+v", got)
	}
	if !got.Opened.Equal(hour(26)) || !got.Deadline.Equal(hour(26+72)) || !got.Closed.IsZero() {
		t.Errorf("round 1 opened %v, deadline %v, closed %v; want %v, %v and none", got.Opened, got.Deadline, got.Closed, hour(26), hour(98))
	}
	want := []GroupProgress{
		{Group: "g1", Name: "Bewoners", Members: 3, Answered: 2, Passed: 0}, // Ann (edited: once) and Zoraida, anonymously
		{Group: "g2", Name: "Gemeente", Members: 2, Answered: 0, Passed: 1}, // Eve passed
	}
	if !reflect.DeepEqual(got.Progress, want) {
		t.Errorf("progress of round 1:\n got %+v\nwant %+v", got.Progress, want)
	}

	if len(r3.Rounds) != 3 || !r3.Rounds[0].Open || r3.Rounds[0].N != 3 || !r3.Rounds[0].Consent {
		t.Fatalf("rounds with round 3 open: %+v", r3.Rounds)
	}
	want = []GroupProgress{
		{Group: "g1", Name: "Bewoners", Members: 3, Answered: 2},
		{Group: "g2", Name: "Gemeente", Members: 2, Answered: 2},
	}
	if !reflect.DeepEqual(r3.Rounds[0].Progress, want) {
		t.Errorf("progress of consent round 3:\n got %+v\nwant %+v", r3.Rounds[0].Progress, want)
	}
	cells := r3.Proposals[0].Versions[1].Consent
	wantCells := []ConsentCell{
		{Group: "g1", Name: "Bewoners", Round: 3, Members: 3, Required: 2, Answered: 2, Consents: 2, NoAnswer: 1, Quorum: true, State: MsgStateVoting},
		{Group: "g2", Name: "Gemeente", Round: 3, Members: 2, Required: 2, Answered: 2, Consents: 2, NoAnswer: 0, Quorum: true, State: MsgStateVoting},
	}
	if !reflect.DeepEqual(cells, wantCells) {
		t.Errorf("live consent matrix of version 2:\n got %+v\nwant %+v", cells, wantCells)
	}
}

func TestOverviewConsentMatrixAndAdoption(t *testing.T) {
	_, _, o := ovRun(t)
	ov := o.overview(hour(96))

	if ov.ID != "OV1" || ov.Title != "Speeltuin Dorpsstraat" || !ov.Adopted || ov.Paused || !ov.Created.Equal(hour(0)) {
		t.Errorf("overview head: %q %q adopted %v paused %v created %v", ov.ID, ov.Title, ov.Adopted, ov.Paused, ov.Created)
	}
	if ov.Phase.Key != MsgStatusByHand || *ov.Phase.Params["rounds"].Num != 3 {
		t.Errorf("phase %+v, want %s with 3 rounds", ov.Phase, MsgStatusByHand)
	}
	wantGroups := []GroupOverview{
		{ID: "g1", Name: "Bewoners", Platform: PlatformTelegram, Members: 3, Reps: []string{"Ann"}},
		{ID: "g2", Name: "Gemeente", Platform: PlatformDiscord, Members: 2, Reps: []string{"Dee"}},
	}
	if !reflect.DeepEqual(ov.Groups, wantGroups) || !ov.Joint || ov.JointMembers != 0 || !slices.Equal(ov.Facilitators, []string{"Fay"}) {
		t.Errorf("groups %+v, joint %v (%d), facilitators %v", ov.Groups, ov.Joint, ov.JointMembers, ov.Facilitators)
	}

	var order []int
	for _, r := range ov.Rounds {
		order = append(order, r.N)
		if r.Open {
			t.Errorf("round %d still open", r.N)
		}
	}
	if !slices.Equal(order, []int{3, 2, 1}) {
		t.Errorf("rounds in order %v, want newest first", order)
	}
	r1 := ov.Rounds[2]
	if r1.CloseReason != ClosedByFacilitator || !r1.Closed.Equal(hour(30)) || !r1.Relayed || r1.AwaitsSummary {
		t.Errorf("round 1 after closing and relaying: %+v", r1)
	}
	if r2 := ov.Rounds[1]; r2.CloseReason != ClosedDecided || r2.Proposal != 1 || r2.Version != 1 || !r2.Deadline.IsZero() {
		t.Errorf("round 2: %+v", r2)
	}

	if len(ov.Proposals) != 1 {
		t.Fatalf("%d proposals", len(ov.Proposals))
	}
	pr := ov.Proposals[0]
	if pr.N != 1 || pr.Adopted != 2 || !pr.AdoptedAt.Equal(hour(77)) || pr.Shown != 2 || len(pr.Versions) != 2 {
		t.Fatalf("proposal: %+v", pr)
	}
	v1, v2 := pr.Versions[0], pr.Versions[1]
	if v1.Author != "Fay" || v1.Text != "Er komt een klankbordgroep." || v2.Change != ChangeSubstantive || v2.Reason != "Het ritme verandert." {
		t.Errorf("versions: %+v / %+v", v1, v2)
	}
	// Version 1, round 2: Bewoners blocked by Bob's objection (counted as it
	// stood at the decision, though resolved since); Gemeente passed with
	// a concern, and Dee confirmed it.
	wantV1 := []ConsentCell{
		{Group: "g1", Name: "Bewoners", Round: 2, Members: 3, Required: 2, Answered: 2, Consents: 1, Concerns: 0, Objections: 1, NoAnswer: 1,
			Quorum: true, Outcome: OutcomeBlocked, State: MsgStateNotYet},
		{Group: "g2", Name: "Gemeente", Round: 2, Members: 2, Required: 2, Answered: 2, Consents: 1, Concerns: 1, Objections: 0, NoAnswer: 0,
			Quorum: true, Outcome: OutcomePassed, State: MsgStateConfirmed, ConfirmedBy: "Dee", ConfirmedAt: hour(51)},
	}
	if !reflect.DeepEqual(v1.Consent, wantV1) {
		t.Errorf("consent matrix of version 1:\n got %+v\nwant %+v", v1.Consent, wantV1)
	}
	// Version 2, round 3: both passed (Eve changed her concern to consent),
	// both confirmed.
	wantV2 := []ConsentCell{
		{Group: "g1", Name: "Bewoners", Round: 3, Members: 3, Required: 2, Answered: 2, Consents: 2, NoAnswer: 1,
			Quorum: true, Outcome: OutcomePassed, State: MsgStateConfirmed, ConfirmedBy: "Ann", ConfirmedAt: hour(77)},
		{Group: "g2", Name: "Gemeente", Round: 3, Members: 2, Required: 2, Answered: 2, Consents: 2, NoAnswer: 0,
			Quorum: true, Outcome: OutcomePassed, State: MsgStateConfirmed, ConfirmedBy: "Dee", ConfirmedAt: hour(77)},
	}
	if !reflect.DeepEqual(v2.Consent, wantV2) {
		t.Errorf("consent matrix of version 2:\n got %+v\nwant %+v", v2.Consent, wantV2)
	}

	wantObjections := []ObjectionOverview{{ID: 1, Proposal: 1, Version: 1, Round: 2, Group: "Bewoners",
		Part: "de samenstelling", Harm: "de gemeente beslist alleen", Need: "een stem voor bewoners", Notice: "aan de notulen",
		State: ObjectionResolved, ResolvedOn: 2, At: hour(49)}}
	if !reflect.DeepEqual(ov.Objections, wantObjections) {
		t.Errorf("objections:\n got %+v\nwant %+v", ov.Objections, wantObjections)
	}
}

// A group whose members have not all answered shows no quorum until enough
// have: Quorum follows Answered against Required.
func TestOverviewQuorum(t *testing.T) {
	o := ovSetup(t)
	o.do(hour(26), Propose{Actor: ovFay, Text: "Een bankje bij de speeltuin."})
	o.do(hour(26), StartConsent{Actor: ovFay, Proposal: 1})
	ovVote(o, hour(27), ovAnn, 1, VoteConsent)
	cells := o.overview(hour(28)).Proposals[0].Versions[0].Consent
	if c := cells[0]; c.Quorum || c.Answered != 1 || c.Required != 2 || c.NoAnswer != 2 || c.Outcome != "" {
		t.Errorf("Bewoners with one answer of the two required: %+v", c)
	}
	if c := cells[1]; c.Quorum || c.Answered != 0 || c.NoAnswer != 2 {
		t.Errorf("Gemeente without answers: %+v", c)
	}
	ovVote(o, hour(28), ovZoraida, 1, VoteConcern)
	if c := o.overview(hour(29)).Proposals[0].Versions[0].Consent[0]; !c.Quorum || c.Answered != 2 || c.Concerns != 1 {
		t.Errorf("Bewoners with two answers: %+v", c)
	}
}

func TestOverviewTimeline(t *testing.T) {
	_, _, o := ovRun(t)
	ov := o.overview(hour(96))

	type entry struct {
		key          MsgKey
		intervention bool
	}
	var got []entry
	for i, e := range ov.Timeline {
		got = append(got, entry{e.Line.Key, e.Intervention})
		if e.At.IsZero() || (i > 0 && e.At.Before(ov.Timeline[i-1].At)) {
			t.Errorf("timeline entry %d (%s) at %v, after %v", i, e.Line.Key, e.At, ov.Timeline[max(i-1, 0)].At)
		}
		if _, dated := e.Line.Params["date"]; dated {
			t.Errorf("timeline entry %d (%s) repeats its date", i, e.Line.Key)
		}
	}
	want := []entry{
		{MsgTimelineCreated, false},
		{MsgTimelineGroupLinked, false},
		{MsgTimelineGroupLinked, false},
		{MsgTimelineJointLinked, false},
		{MsgTimelineSetting, true}, // the quorum
		{MsgRepInstalled, false},
		{MsgRepInstalled, false},
		{MsgTimelineRoundOpened, false},
		{MsgTimelineCloseEarly, true},
		{MsgTimelineRoundClosed, false},
		{MsgTimelineRelayed, true},
		{MsgTimelineProposed, false},
		{MsgConsentStartedJoint, false},
		{MsgTimelineObjection, false},
		{MsgTimelineCloseEarly, true},
		{MsgTimelineDecided, false},
		{MsgTimelineDecided, false},
		{MsgTimelineRoundClosed, false},
		{MsgTimelineConfirmed, false},
		{MsgTimelineAmended, false},
		{MsgTimelineClassified, true},
		{MsgConsentStartedJoint, false},
		{MsgTimelineObjectionResolved, false},
		{MsgTimelineCloseEarly, true},
		{MsgTimelineDecided, false},
		{MsgTimelineDecided, false},
		{MsgTimelineRoundClosed, false},
		{MsgTimelineConfirmed, false},
		{MsgTimelineConfirmed, false},
		{MsgAdopted, false},
	}
	if !slices.Equal(got, want) {
		t.Errorf("timeline:\n got %v\nwant %v", got, want)
	}

	// Why each round closed, and the facilitator's reason for closing early.
	var why []MsgKey
	for _, e := range ov.Timeline {
		switch e.Line.Key {
		case MsgTimelineRoundClosed:
			why = append(why, e.Line.Params["why"].Key)
		case MsgTimelineDecided:
			why = append(why, e.Line.Params["outcome"].Key)
		}
	}
	wantWhy := []MsgKey{MsgTimelineWhyFacilitator, MsgOutcomeBlocked, MsgOutcomePassed, MsgTimelineWhyDecided, MsgOutcomePassed, MsgOutcomePassed, MsgTimelineWhyDecided}
	if !slices.Equal(why, wantWhy) {
		t.Errorf("closings and outcomes %v, want %v", why, wantWhy)
	}
	early := ov.Timeline[8].Line
	if early.Params["name"].Text != "Fay" || early.Params["note"].Text != ovCloseReason || *early.Params["n"].Num != 1 {
		t.Errorf("closing early: %+v", early)
	}
}

// Timers close rounds too: an answer round at its deadline (its summary
// shared automatically), a consent round when every group's deadline
// passed; a group given more time decides again, and counting silence
// decides a group without closing the round a second time.
func TestOverviewTimelineTimersAndSilence(t *testing.T) {
	o := ovSetup(t)
	o.do(hour(25), ChangeSetting{Actor: ovFay, Key: SetSilence, Value: SilenceConsent})
	o.do(hour(26), OpenRound{Actor: ovFayA, Kind: "closing", Scope: ScopeAll})
	o.tick(hour(26 + 48))
	o.do(hour(80), Propose{Actor: ovFay, Text: "Een bankje bij de speeltuin."})
	o.do(hour(80), StartConsent{Actor: ovFay, Proposal: 1})
	ovVote(o, hour(81), ovAnn, 2, VoteConsent)
	o.tick(hour(80 + 72))
	o.do(hour(153), Extend{Actor: ovFay, Round: 2, Group: "g1"})
	ovVote(o, hour(154), ovBob, 2, VoteConsent)
	o.tick(hour(153 + 72))
	o.do(hour(226), CountSilence{Actor: ovFay, Round: 2, Group: "g2", Reason: "Zo afgesproken bij de opening."})

	type entry struct {
		key, detail  MsgKey
		intervention bool
	}
	var got []entry
	for _, e := range o.overview(hour(230)).Timeline {
		switch k := e.Line.Key; k {
		case MsgTimelineRoundClosed:
			got = append(got, entry{k, e.Line.Params["why"].Key, e.Intervention})
		case MsgTimelineDecided:
			got = append(got, entry{k, e.Line.Params["outcome"].Key, e.Intervention})
		case MsgRelayed, MsgTimelineRelayed, MsgTimelineExtended, MsgTimelineSilence:
			got = append(got, entry{k, "", e.Intervention})
		}
	}
	want := []entry{
		{MsgTimelineRoundClosed, MsgTimelineWhyDeadline, false},
		{MsgRelayed, "", false}, // relay = "auto": nobody approved it
		{MsgTimelineDecided, MsgOutcomeNoDecision, false},
		{MsgTimelineDecided, MsgOutcomeNoDecision, false},
		{MsgTimelineRoundClosed, MsgTimelineWhyDecided, false},
		{MsgTimelineExtended, "", true},
		{MsgTimelineDecided, MsgOutcomePassed, false},
		{MsgTimelineRoundClosed, MsgTimelineWhyDecided, false},
		{MsgTimelineSilence, "", true},
		{MsgTimelineDecided, MsgOutcomeSilence, false},
	}
	if !slices.Equal(got, want) {
		t.Errorf("timeline:\n got %v\nwant %v", got, want)
	}
}

// TestOverviewKeepsAnswersPrivate renders the whole overview, and every
// line of it in every language, and finds no answer, no concern, and no
// trace of who answered anonymously or who objected.
func TestOverviewKeepsAnswersPrivate(t *testing.T) {
	r1, r3, o := ovRun(t)
	for name, ov := range map[string]*Overview{"round 1 open": r1, "round 3 open": r3, "at the end": o.overview(hour(96))} {
		dump := fmt.Sprintf("%+v", *ov)
		var lines []Line
		lines = append(lines, ov.Phase)
		for _, e := range ov.Timeline {
			lines = append(lines, e.Line)
		}
		for _, lang := range []string{"nl", "en", "nl-u"} {
			for _, l := range lines {
				text := renderForTest(t, lang, l)
				if strings.Contains(text, "{") {
					t.Errorf("%s: %s in %s leaves a parameter unfilled: %q", name, l.Key, lang, text)
				}
				dump += "\n" + text
			}
		}
		for _, secret := range []string{ovAnnAnswer, ovAnnEdited, ovAnonymous, "GEHEIM", "verkeer", ovConcern, "Zoraida", "u-zq77", "Bob", "bob"} {
			if strings.Contains(dump, secret) {
				t.Errorf("%s: the overview shows %q", name, secret)
			}
		}
		// What the overview does show, so the search above reads the
		// right thing.
		for _, shown := range []string{"Speeltuin Dorpsstraat", "Bewoners", "Ann", "Fay"} {
			if !strings.Contains(dump, shown) {
				t.Errorf("%s: the overview does not show %q", name, shown)
			}
		}
	}
}

// overviewCatalogs are the catalogs renderForTest reads, parsed once.
var overviewCatalogs = Catalogs()

// renderForTest fills in a line's parameters from the catalog of lang.
func renderForTest(t *testing.T, lang string, l Line) string {
	t.Helper()
	c := overviewCatalogs[lang]
	text, ok := c.Text(l.Key, l.Params)
	if !ok {
		t.Fatalf("catalog %s has no %s", lang, l.Key)
	}
	for name, p := range l.Params {
		var v string
		switch {
		case p.Num != nil:
			v = strconv.Itoa(*p.Num)
		case p.Time != nil:
			v = p.Time.Format(time.RFC3339)
		case p.Key != "":
			v = renderForTest(t, lang, L(p.Key))
		case p.Local != nil:
			v = p.Local.In(lang)
		default:
			v = p.Text
		}
		text = strings.ReplaceAll(text, "{"+name+"}", v)
	}
	return text
}

func TestOverviewParticipation(t *testing.T) {
	r1, _, o := ovRun(t)
	now := hour(96)
	points := o.overview(now).Participation

	// Round 1: Ann, Zoraida and Eve's pass (Ann's edit is no new one);
	// rounds 2 and 3: four votes each (Eve's change is no new one).
	const contributions = 11
	if len(points) < 2 || len(points) > maxParticipationPoints {
		t.Fatalf("%d points, want 2 to %d", len(points), maxParticipationPoints)
	}
	first, last := points[0], points[len(points)-1]
	if first.At.After(hour(0)) || first.Contributions != 0 {
		t.Errorf("first point %+v, want 0 at or before the creation (%v)", first, hour(0))
	}
	// The series ends where the 2-hour step now is in ends.
	if last.At.Before(now) || !points[len(points)-2].At.Before(now) || last.At.Sub(now) >= 2*time.Hour || last.Contributions != contributions {
		t.Errorf("last point %+v, want %d at the end of the step holding %v", last, contributions, now)
	}
	for i := 1; i < len(points); i++ {
		if !points[i].At.After(points[i-1].At) || points[i].Contributions < points[i-1].Contributions {
			t.Errorf("point %d %+v after %+v: not later and cumulative", i, points[i], points[i-1])
		}
		if gap := points[i].At.Sub(points[i-1].At); gap > 2*time.Hour {
			t.Errorf("point %d is %v after the one before; 96 hours fit in 2-hour steps", i, gap)
		}
	}
	// at is the count at the last point at or before t.
	at := func(t time.Time) int {
		n := -1
		for _, p := range points {
			if !p.At.After(t) {
				n = p.Contributions
			}
		}
		return n
	}
	for _, c := range []struct {
		at   time.Time
		want int
	}{{hour(26), 0}, {hour(31), 3}, {hour(51), 7}, {hour(76), 11}} {
		if got := at(c.at); got != c.want {
			t.Errorf("contributions by %v: %d, want %d", c.at, got, c.want)
		}
	}
	if again := o.overview(now).Participation; !reflect.DeepEqual(points, again) {
		t.Error("the participation series differs between two calls")
	}
	if last := r1.Participation[len(r1.Participation)-1]; last.Contributions != 3 || !last.At.Equal(hour(29)) {
		t.Errorf("with round 1 open: last point %+v, want 3 at %v", last, hour(29))
	}
}

func TestParticipationStep(t *testing.T) {
	from := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		span time.Duration
		want chartStep
	}{
		{0, chartStep{hours: 1}},
		{58 * time.Hour, chartStep{hours: 1}},
		{72 * time.Hour, chartStep{hours: 2}},
		{10 * 24 * time.Hour, chartStep{hours: 6}},
		{30 * 24 * time.Hour, chartStep{days: 1}},
		{400 * 24 * time.Hour, chartStep{days: 7}},
		{20 * 365 * 24 * time.Hour, chartStep{days: 224}},
	} {
		if got := participationStep(from, from.Add(tt.span)); got != tt.want {
			t.Errorf("span %v: step %+v, want %+v", tt.span, got, tt.want)
		}
	}

	p := fixture(t)
	for _, span := range []time.Duration{0, time.Minute, 59 * time.Hour, 61 * time.Hour, 9 * 24 * time.Hour, 90 * 24 * time.Hour, 3 * 365 * 24 * time.Hour} {
		now := p.Created.Add(span)
		points := p.Overview(nil, testEnv(now)).Participation
		if len(points) == 0 || len(points) > maxParticipationPoints {
			t.Errorf("span %v: %d points", span, len(points))
			continue
		}
		// The last point ends the step that holds now; the one before it
		// is before now.
		end := points[len(points)-1].At
		if end.Before(now) || len(points) > 1 && !points[len(points)-2].At.Before(now) || points[0].At.After(p.Created) {
			t.Errorf("span %v (now %v): %d points from %v to %v", span, now, len(points), points[0].At, end)
		}
	}
}

// A joint round has one progress entry: the joint chat's.
func TestOverviewJointRoundProgress(t *testing.T) {
	p := withJoint(t)
	at(t, p, t0, GiveAnswer{Actor: annJnt, Text: "Een moestuin op het plein."})
	ov := p.Overview(nil, testEnv(t0.Add(time.Hour)))
	want := []GroupProgress{{Group: "joint", NameKey: MsgRecordJoint, Members: 1, Answered: 1}}
	if len(ov.Rounds) != 1 || !ov.Rounds[0].Joint || !reflect.DeepEqual(ov.Rounds[0].Progress, want) {
		t.Errorf("joint round: %+v, want progress %+v", ov.Rounds, want)
	}
	if ov.JointMembers != 1 {
		t.Errorf("%d members in the joint chat, want 1", ov.JointMembers)
	}
}

// Standing objections come first, then by id.
func TestOverviewObjectionsStandingFirst(t *testing.T) {
	p := decisionFixture(t)
	must(t, p, StartConsent{Actor: actor("fay", "fay", true), Proposal: 1})
	vote(t, p, "ann", "ga", 1, VoteObjection) // objection 1 …
	vote(t, p, "ann", "ga", 1, VoteConsent)   // … withdrawn
	vote(t, p, "bob", "ga", 1, VoteObjection) // objection 2 stands
	ov := p.Overview(nil, testEnv(t0))
	var got []string
	for _, o := range ov.Objections {
		got = append(got, fmt.Sprintf("%d:%s:%v", o.ID, o.State, o.Standing))
		if o.Name != "" {
			t.Errorf("objection %d names its author: %q", o.ID, o.Name)
		}
	}
	if want := []string{"2:open:true", "1:withdrawn:false"}; !slices.Equal(got, want) {
		t.Errorf("objections %v, want %v", got, want)
	}
}

// The phase is the line /status shows for where the process stands.
func TestOverviewPhaseMatchesStatus(t *testing.T) {
	p := fixture(t)
	check := func(when string, want MsgKey) {
		t.Helper()
		env := testEnv(t0)
		ov := p.Overview(nil, env)
		if status := p.statusLines(env)[1]; ov.Phase.Key != want || !reflect.DeepEqual(ov.Phase, status) {
			t.Errorf("%s: phase %+v; /status says %+v (want key %s)", when, ov.Phase, status, want)
		}
	}
	check("before the start", MsgStatusNotStarted)
	must(t, p, OpenRound{Actor: facInA, Kind: "concerns", Scope: ScopeAll})
	check("a round opened by hand", MsgStatusByHand)
	must(t, p, Close{Actor: fac, Arg: "1"})
	must(t, p, Next{Actor: fac})
	check("after /next", MsgStatusStep)
}

// The timeline's texts for the facilitators' interventions are the record's
// without the date: the same parameters otherwise, in every language.
func TestTimelineInterventionTexts(t *testing.T) {
	for lang, c := range Catalogs() {
		for record, timeline := range timelineInterventions {
			r, _ := c.Text(record, nil)
			tl, ok := c.Text(timeline, nil)
			if !ok {
				t.Errorf("%s: no text for %s", lang, timeline)
				continue
			}
			want := slices.DeleteFunc(sortedPlaceholders(r), func(s string) bool { return s == "date" })
			if got := sortedPlaceholders(tl); !slices.Equal(got, want) {
				t.Errorf("%s: %s uses %v; %s without the date uses %v", lang, timeline, got, record, want)
			}
		}
	}
}
