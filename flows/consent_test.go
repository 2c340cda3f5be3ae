package flows

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// decisionFixture: groups A (ann, bob, cid), B (dee, eve) and C (fin); fay
// facilitates; ann, dee and fin are representatives; proposal 1 exists.
func decisionFixture(t *testing.T) *Process {
	t.Helper()
	p := &Process{}
	must(t, p, Create{Actor: actor("fay", "fay", true), ID: "D1", Title: "Besluit", Template: BuiltinTemplates(nil)[DefaultTemplate]})
	for _, g := range []struct{ chat, name string }{{"ga", "A"}, {"gb", "B"}, {"gc", "C"}} {
		must(t, p, Link{Actor: actor("fay", g.chat, false), Name: g.name})
	}
	for _, m := range []struct{ user, chat, group string }{
		{"ann", "ga", "g1"}, {"bob", "ga", "g1"}, {"cid", "ga", "g1"}, {"dee", "gb", "g2"}, {"eve", "gb", "g2"}, {"fin", "gc", "g3"},
	} {
		must(t, p, AcceptRules{Actor: actor(m.user, m.chat, false), Group: GroupID(m.group)})
	}
	must(t, p, ChangeSetting{Actor: actor("fay", "fay", true), Key: SetQuorum, Value: "60% 2"})
	for _, rep := range []struct{ user, chat string }{{"ann", "ga"}, {"dee", "gb"}, {"fin", "gc"}} {
		must(t, p, NominateRep{Actor: actor("fay", rep.chat, false), Target: UserID(rep.user)})
	}
	for i := 1; i <= 3; i++ {
		must(t, p, AnswerNomination{Actor: actor(string(p.Nomination(i).User), string(p.Nomination(i).User), true), Nomination: i, Accept: true})
	}
	later := testEnv(t0.Add(25 * time.Hour))
	for range 3 {
		id, ok := p.Due(later)
		if !ok {
			t.Fatal("nothing due to install the representatives")
		}
		if _, err := Execute(p, Tick{}, later, "timer:"+id); err != nil {
			t.Fatal(err)
		}
	}
	if len(p.Group("g1").Reps) != 1 || len(p.Group("g3").Reps) != 1 {
		t.Fatalf("representatives not installed: %+v %+v", p.Group("g1"), p.Group("g3"))
	}
	must(t, p, Propose{Actor: actor("fay", "fay", true), Text: "Er komt een klankbordgroep."})
	return p
}

func vote(t *testing.T, p *Process, user, chat string, round int, choice string) {
	t.Helper()
	cmd := CastVote{Actor: actor(user, chat, false), Round: round, Choice: choice}
	switch choice {
	case VoteConcern:
		cmd.Concern = "Een zorg van " + user
	case VoteObjection:
		cmd.Form = []string{"dit deel", "het schaadt", "ik heb nodig", "we merken het"}
	}
	must(t, p, cmd)
}

func TestRequiredAnswers(t *testing.T) {
	p := decisionFixture(t)
	for _, tt := range []struct{ members, want int }{{0, 0}, {1, 1}, {2, 2}, {3, 2}, {4, 3}, {5, 3}, {10, 6}} {
		if got := p.Required(tt.members); got != tt.want {
			t.Errorf("Required(%d) with 60%% and minimum 2 = %d, want %d", tt.members, got, tt.want)
		}
	}
}

func TestConsentRules(t *testing.T) {
	p := decisionFixture(t)
	must(t, p, StartConsent{Actor: actor("fay", "fay", true), Proposal: 1})
	r := p.Round(1)
	if !r.Def.Consent || r.Proposal != 1 || r.Version != 1 || len(r.Groups) != 3 {
		t.Fatalf("consent round %+v", r)
	}
	tally := func(g GroupID) Tally { return p.ConsentTally(r, g) }

	// Changing one's answer: consent → concern → objection → consent. The
	// last change withdraws the objection.
	vote(t, p, "ann", "ga", 1, VoteConsent)
	vote(t, p, "ann", "ga", 1, VoteConcern)
	if got := tally("g1"); got.Answered != 1 || got.Consents != 0 || got.Concerns != 1 {
		t.Errorf("after a change to concern: %+v", got)
	}
	vote(t, p, "ann", "ga", 1, VoteObjection)
	if got := tally("g1"); got.Objections != 1 || len(p.Objections) != 1 || !p.Objection(1).Standing() {
		t.Errorf("after a change to objection: %+v, objections %d", got, len(p.Objections))
	}
	vote(t, p, "ann", "ga", 1, VoteConsent)
	if got := tally("g1"); got.Objections != 0 || got.Consents != 1 || p.Objection(1).State != ObjectionIsWithdrawn {
		t.Errorf("after changing back to consent: %+v, objection state %q", got, p.Objection(1).State)
	}

	// The same button twice is counted once and writes nothing.
	version := p.Version
	d := must(t, p, CastVote{Actor: actor("ann", "ga", false), Round: 1, Choice: VoteConsent})
	if len(d.Events) != 0 || p.Version != version || tally("g1").Answered != 1 {
		t.Errorf("a duplicate press wrote %d events (version %d → %d)", len(d.Events), version, p.Version)
	}

	vote(t, p, "bob", "ga", 1, VoteObjection)
	vote(t, p, "cid", "ga", 1, VoteConsent)
	vote(t, p, "dee", "gb", 1, VoteConsent)
	vote(t, p, "eve", "gb", 1, VoteConsent)
	// C (one member, required 1) does not answer.
	must(t, p, Close{Actor: actor("fay", "fay", true), Arg: "1"})
	for g, want := range map[GroupID]string{"g1": OutcomeBlocked, "g2": OutcomePassed, "g3": OutcomeNoDecision} {
		if got := r.Decisions[g].Outcome; got != want {
			t.Errorf("group %s: %s, want %s", g, got, want)
		}
	}
	if r.Open() {
		t.Error("the round is open after every group decided")
	}
	if p.Proposal(1).FailedCycles != 1 {
		t.Errorf("failed cycles %d, want 1 (a group was blocked)", p.Proposal(1).FailedCycles)
	}
}

func TestConsentRejectionsChangeNothing(t *testing.T) {
	open := func(t *testing.T) *Process {
		p := decisionFixture(t)
		must(t, p, StartConsent{Actor: actor("fay", "fay", true), Proposal: 1})
		return p
	}
	decided := func(t *testing.T) *Process {
		p := open(t)
		vote(t, p, "ann", "ga", 1, VoteConsent)
		vote(t, p, "bob", "ga", 1, VoteObjection)
		must(t, p, Close{Actor: actor("fay", "fay", true), Arg: "1"})
		return p
	}
	tests := []struct {
		name  string
		setup func(*testing.T) *Process
		cmd   Command
		want  MsgKey
	}{
		{"a vote after the group decided", decided, CastVote{Actor: actor("cid", "ga", false), Round: 1, Choice: VoteConsent}, ErrConsentClosed},
		{"a facilitator votes", open, CastVote{Actor: actor("fay", "ga", false), Round: 1, Choice: VoteConsent}, ErrFacilitatorAnswers},
		{"an outsider votes", open, CastVote{Actor: actor("zed", "ga", false), Round: 1, Choice: VoteConsent}, ErrJoinFirst},
		{"an incomplete objection", open, CastVote{Actor: actor("ann", "ga", false), Round: 1, Choice: VoteObjection, Form: []string{"a", "b", " ", "d"}}, ErrObjectionIncomplete},
		{"a concern without text", open, CastVote{Actor: actor("ann", "ga", false), Round: 1, Choice: VoteConcern}, ErrConcernEmpty},
		{"an answer by reply in a consent round", open, GiveAnswer{Actor: actor("ann", "ga", false), Text: "ja"}, ErrUseVoteButtons},
		{"passing in a consent round", open, Pass{Actor: actor("ann", "ga", false)}, ErrUseVoteButtons},
		{"a second consent round on the same proposal", open, StartConsent{Actor: actor("fay", "fay", true), Proposal: 1}, ErrConsentRunning},
		{"confirming while the round is open", open, Confirm{Actor: actor("ann", "ga", false), Proposal: 1}, ErrConfirmRoundOpen},
		{"confirming with an objection", decided, Confirm{Actor: actor("ann", "ga", false), Proposal: 1}, ErrConfirmObjection},
		{"confirming by a non-representative", decided, Confirm{Actor: actor("eve", "gb", false), Proposal: 1}, ErrRepsOnly},
		{"confirming without a consent round", decisionFixture, Confirm{Actor: actor("dee", "gb", false), Proposal: 1}, ErrConfirmNoRound},
		{"silence without the rules allowing it", decided, CountSilence{Actor: actor("fay", "fay", true), Round: 1, Group: "g3", Reason: "x"}, ErrSilenceNotAllowed},
		{"extending a group that decided", decided, Extend{Actor: actor("fay", "fay", true), Round: 1, Group: "g1"}, ErrNotNoDecision},
		{"a participant proposes", decisionFixture, Propose{Actor: actor("bob", "ga", false), Text: "x"}, ErrDraftersOnly},
		{"amending while consent runs", open, Amend{Actor: actor("fay", "fay", true), Proposal: 1, Text: "anders"}, ErrConsentRunning},
		{"an amendment that changes nothing", decisionFixture, Amend{Actor: actor("fay", "fay", true), Proposal: 1, Text: "Er komt een klankbordgroep."}, ErrAmendmentSame},
		{"resolving someone else's objection", decided, ResolveObjection{Actor: actor("cid", "ga", false), Objection: 1, V: "1"}, ErrButtonExpired},
		{"withdrawing someone else's objection", decided, WithdrawObjection{Actor: actor("ann", "ga", false), Objection: 1}, ErrNotYourObjection},
		{"an unknown proposal", decisionFixture, StartConsent{Actor: actor("fay", "fay", true), Proposal: 7}, ErrUnknownProposal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.setup(t)
			before, _ := EncodeSnapshot(p)
			_, err := Execute(p, tt.cmd, testEnv(t0.Add(30*time.Hour)), "reject")
			ue, ok := AsUserError(err)
			if !ok || ue.Line.Key != tt.want {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
			if after, _ := EncodeSnapshot(p); string(after) != string(before) {
				t.Error("the state changed although the action was refused")
			}
		})
	}
}

func TestIntegrationAndAdoption(t *testing.T) {
	p := decisionFixture(t)
	env := testEnv(t0.Add(30 * time.Hour))
	fay := actor("fay", "fay", true)
	must(t, p, StartConsent{Actor: fay, Proposal: 1})
	vote(t, p, "ann", "ga", 1, VoteConsent)
	vote(t, p, "bob", "ga", 1, VoteObjection)
	vote(t, p, "dee", "gb", 1, VoteConsent)
	vote(t, p, "eve", "gb", 1, VoteConcern)
	vote(t, p, "fin", "gc", 1, VoteConsent)
	must(t, p, Close{Actor: fay, Arg: "1"})
	must(t, p, Confirm{Actor: actor("dee", "gb", false), Proposal: 1})

	// An editorial amendment now would carry B's and C's consent over; a
	// substantive one opens a new consent round on the new version.
	must(t, p, Amend{Actor: actor("ann", "ga", false), Proposal: 1, Text: "Er komt een klankbordgroep die elke maand bijeenkomt."})
	if _, err := Execute(p, StartConsent{Actor: fay, Proposal: 1}, env, "x"); err == nil {
		t.Fatal("consent opened on a version the facilitator has not classified")
	}
	must(t, p, Classify{Actor: fay, Proposal: 1, V: 2, Change: ChangeSubstantive, Reason: "Het ritme verandert."})
	r2 := p.Round(2)
	if r2 == nil || !r2.Def.Consent || r2.Version != 2 {
		t.Fatalf("a substantive amendment did not open consent on version 2: %+v", r2)
	}
	// Resolution takes both the objector and the proposer.
	must(t, p, ResolveObjection{Actor: actor("bob", "ga", false), Objection: 1, V: "2"})
	if p.Objection(1).State != ObjectionOpen {
		t.Fatal("resolved with the objector's word alone")
	}
	must(t, p, ResolveObjection{Actor: actor("ann", "ga", false), Objection: 1, V: "2"})
	if p.Objection(1).State != ObjectionResolved {
		t.Fatalf("objection %q after objector and proposer confirmed", p.Objection(1).State)
	}
	for _, v := range []struct{ user, chat string }{{"ann", "ga"}, {"bob", "ga"}, {"dee", "gb"}, {"eve", "gb"}, {"fin", "gc"}} {
		vote(t, p, v.user, v.chat, 2, VoteConsent)
	}
	must(t, p, Close{Actor: fay, Arg: "2"})
	// Confirming version 1 earlier does not count for version 2.
	must(t, p, Confirm{Actor: actor("ann", "ga", false), Proposal: 1})
	must(t, p, Confirm{Actor: actor("dee", "gb", false), Proposal: 1})
	if p.Proposal(1).Adopted != 0 {
		t.Fatal("adopted before every group confirmed")
	}
	must(t, p, Confirm{Actor: actor("fin", "gc", false), Proposal: 1})
	if got := p.Proposal(1).Adopted; got != 2 {
		t.Errorf("adopted version %d, want 2", got)
	}
	if got := p.concernsOn(p.Proposal(1), 2); len(got) != 0 {
		t.Errorf("concerns on version 2: %v (eve's concern was on version 1)", got)
	}
}

func TestEditorialAmendmentCarriesConsent(t *testing.T) {
	p := decisionFixture(t)
	fay := actor("fay", "fay", true)
	must(t, p, StartConsent{Actor: fay, Proposal: 1})
	for _, v := range []struct{ user, chat string }{{"ann", "ga"}, {"bob", "ga"}, {"dee", "gb"}, {"eve", "gb"}, {"fin", "gc"}} {
		vote(t, p, v.user, v.chat, 1, VoteConsent)
	}
	must(t, p, Close{Actor: fay, Arg: "1"})
	must(t, p, Amend{Actor: fay, Proposal: 1, Text: "Er komt een klankbordgroep (met notulen)."})
	must(t, p, Classify{Actor: fay, Proposal: 1, V: 2, Change: ChangeEditorial, Reason: "Alleen een verduidelijking."})
	if len(p.Rounds) != 1 {
		t.Fatalf("an editorial amendment opened a consent round")
	}
	for _, rep := range []struct{ user, chat string }{{"ann", "ga"}, {"dee", "gb"}, {"fin", "gc"}} {
		must(t, p, Confirm{Actor: actor(rep.user, rep.chat, false), Proposal: 1})
	}
	if got := p.Proposal(1).Adopted; got != 2 {
		t.Errorf("adopted version %d, want 2 (consent carried over)", got)
	}
}

func TestNoDecisionExtendOrSilence(t *testing.T) {
	for _, silence := range []bool{false, true} {
		p := decisionFixture(t)
		fay := actor("fay", "fay", true)
		if silence {
			must(t, p, ChangeSetting{Actor: fay, Key: SetSilence, Value: SilenceConsent})
		}
		must(t, p, StartConsent{Actor: fay, Proposal: 1})
		r := p.Round(1)
		vote(t, p, "ann", "ga", 1, VoteConsent)
		end := testEnv(r.Deadline)
		for _, env := range []Env{testEnv(r.Deadline.Add(-time.Duration(r.Def.LastChance))), end} {
			for {
				id, ok := p.Due(env)
				if !ok {
					break
				}
				if _, err := Execute(p, Tick{}, env, "timer:"+id); err != nil {
					t.Fatal(err)
				}
			}
		}
		if !r.LastChanceSent || r.Decisions["g1"].Outcome != OutcomeNoDecision {
			t.Fatalf("at the deadline: last chance %v, A %+v", r.LastChanceSent, r.Decisions["g1"])
		}
		if silence {
			must(t, p, CountSilence{Actor: fay, Round: 1, Group: "g1", Reason: "Zo afgesproken bij de opening."})
			if got := r.Decisions["g1"].Outcome; got != OutcomeSilence {
				t.Errorf("silence counted: %s", got)
			}
			continue
		}
		if _, err := Execute(p, Extend{Actor: fay, Round: 1, Group: "g1"}, end, "extend"); err != nil {
			t.Fatal(err)
		}
		if !r.voting("g1") || r.voting("g2") || !r.Open() {
			t.Fatalf("after extending A: A voting %v, B voting %v, open %v", r.voting("g1"), r.voting("g2"), r.Open())
		}
		if _, err := Execute(p, CastVote{Actor: actor("bob", "ga", false), Round: 1, Choice: VoteConsent}, end, "late"); err != nil {
			t.Fatal(err)
		}
		later := testEnv(r.Extended["g1"])
		id, _ := p.Due(later)
		if _, err := Execute(p, Tick{}, later, "timer:"+id); err != nil {
			t.Fatal(err)
		}
		if got := r.Decisions["g1"].Outcome; got != OutcomePassed {
			t.Errorf("after the extension: %s, want passed", got)
		}
	}
}

func TestStuckAfterThreeFailedCycles(t *testing.T) {
	p := decisionFixture(t)
	fay := actor("fay", "fay", true)
	for cycle := 1; cycle <= StuckAfter; cycle++ {
		if cycle == 1 {
			must(t, p, StartConsent{Actor: fay, Proposal: 1})
		} else {
			must(t, p, Amend{Actor: fay, Proposal: 1, Text: "Versie " + string(rune('0'+cycle))})
			must(t, p, Classify{Actor: fay, Proposal: 1, V: cycle, Change: ChangeSubstantive, Reason: "Anders."})
		}
		vote(t, p, "bob", "ga", cycle, VoteObjection)
		d := must(t, p, Close{Actor: fay, Arg: ""})
		offered := false
		for _, m := range d.Messages {
			offered = offered || m.Lines[0].Key == MsgStuck
		}
		if offered != (cycle == StuckAfter) {
			t.Errorf("cycle %d: stuck options offered = %v", cycle, offered)
		}
	}
	must(t, p, ChooseStuck{Actor: fay, Proposal: 1, Option: "working_group"})
	if p.Proposal(1).StuckChoice != "working_group" {
		t.Errorf("choice %q", p.Proposal(1).StuckChoice)
	}
}

func TestObjectionToRepresentativeBlocksInstallation(t *testing.T) {
	p := decisionFixture(t)
	env := testEnv(t0.Add(time.Hour))
	fay := actor("fay", "gb", false)
	must(t, p, NominateRep{Actor: fay, Target: "eve"})
	n := p.Nomination(4)
	must(t, p, AnswerNomination{Actor: actor("eve", "eve", true), Nomination: 4, Accept: true})
	if _, err := Execute(p, ObjectToRep{Actor: actor("dee", "dee", true), Nomination: 4, Reason: "Eve is er nooit."}, env, "obj"); err != nil {
		t.Fatal(err)
	}
	after := testEnv(n.Until.Add(time.Hour))
	if id, ok := p.Due(after); ok && id == "rep4:install" {
		t.Fatal("a nomination with an objection is due for installation")
	}
	if d, err := Execute(p, NominateRep{Actor: fay, Target: "dee"}, after, "again"); err != nil || len(d.Events) > 0 {
		t.Errorf("nominating a representative again: %v, %d events", err, len(d.Events))
	}
	if _, err := Execute(p, NominateRep{Actor: fay, Target: "ann"}, after, "other"); err == nil {
		t.Error("nominated a member of another group")
	}
	if _, err := Execute(p, WithdrawNomination{Actor: fay, Nomination: 4}, after, "wd"); err != nil {
		t.Fatal(err)
	}
	if n.Pending() || len(p.Group("g2").Reps) != 1 {
		t.Errorf("after withdrawal: pending %v, reps %v", n.Pending(), p.Group("g2").Reps)
	}
}

// The evaluation date opens the template's evaluation round in every group.
func TestEvaluationDateOpensRound(t *testing.T) {
	p := decisionFixture(t)
	must(t, p, ChangeSetting{Actor: actor("fay", "fay", true), Key: SetEvaluation, Value: "2027-03-01"})
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, ams)
	env := testEnv(at)
	if got := p.NextDue(testEnv(t0.Add(48 * time.Hour))); !got.Equal(at) {
		t.Fatalf("next due %v, want the evaluation date at 09:00 (%v)", got, at)
	}
	id, ok := p.Due(env)
	if !ok {
		t.Fatal("nothing due on the evaluation date")
	}
	if _, err := Execute(p, Tick{}, env, "timer:"+id); err != nil {
		t.Fatal(err)
	}
	r := p.Rounds[len(p.Rounds)-1]
	if r.Kind != "evaluation" || len(r.Groups) != 3 || !p.EvaluationOpened {
		t.Fatalf("evaluation round %+v, opened %v", r, p.EvaluationOpened)
	}
	if _, again := p.Due(testEnv(at.Add(time.Hour))); again {
		t.Error("the evaluation is due again after it opened")
	}
}

// A withdrawn objection leaves its writer without an answer: not counted
// towards the quorum, and waiting to answer again.
func TestWithdrawnObjectionIsNoAnswer(t *testing.T) {
	p := decisionFixture(t)
	must(t, p, StartConsent{Actor: actor("fay", "fay", true), Proposal: 1})
	r := p.Round(1)
	vote(t, p, "ann", "ga", 1, VoteConsent)
	vote(t, p, "bob", "ga", 1, VoteObjection)
	must(t, p, WithdrawObjection{Actor: actor("bob", "bob", true), Objection: 1})
	got := p.ConsentTally(r, "g1")
	if got.Answered != 1 || got.Consents != 1 || got.Objections != 0 {
		t.Errorf("after Bob withdrew his objection, group A counts %+v; want 1 answered, 1 consent", got)
	}
	waiting := false
	for _, m := range p.waiting(r, testEnv(t0)) {
		waiting = waiting || m.User == "bob"
	}
	if !waiting {
		t.Error("Bob, whose objection is withdrawn, is not waiting to answer")
	}
	// Quorum 60% of 3 is 2: one consent does not decide group A.
	must(t, p, Close{Actor: actor("fay", "fay", true), Arg: "1"})
	if out := r.Decisions["g1"].Outcome; out != OutcomeNoDecision {
		t.Errorf("group A with one real answer of the two required: %s, want %s", out, OutcomeNoDecision)
	}
}

// TestTallyShowsTheFirstNamesOnly: a round message lists at most
// MaxShownNames names per choice, the first alphabetically whatever case,
// and the tally still counts everyone.
func TestTallyShowsTheFirstNamesOnly(t *testing.T) {
	var names []string
	for i := range 30 {
		names = append(names, fmt.Sprintf("%c%03d", "bBaA"[i%4], 100-i))
	}
	var kept []string
	for _, n := range names {
		kept = firstNames(kept, n)
	}
	want := slices.Clone(names)
	slices.SortFunc(want, func(a, b string) int {
		return cmp.Or(strings.Compare(strings.ToLower(a), strings.ToLower(b)), strings.Compare(a, b))
	})
	if !slices.Equal(kept, want[:MaxShownNames]) {
		t.Errorf("kept %v,\nwant %v", kept, want[:MaxShownNames])
	}
}

// TestLargeGroupTallyStaysExact: 40 more members join group A, and votes
// change back and forth while the round's tally is asked for after every
// vote, so that the cached tally is updated in place, also for names
// beyond the twenty shown; it must equal a fresh count every time.
func TestLargeGroupTallyStaysExact(t *testing.T) {
	p := decisionFixture(t)
	var extra []string
	for i := range 40 {
		u := fmt.Sprintf("m%02d", 39-i) // joined in reverse order of name
		must(t, p, AcceptRules{Actor: actor(u, "ga", false), Group: "g1"})
		extra = append(extra, u)
	}
	must(t, p, StartConsent{Actor: actor("fay", "fay", true), Proposal: 1})
	r := p.Rounds[len(p.Rounds)-1]
	for step := range 200 {
		u := extra[(step*7)%len(extra)]
		choice := []string{VoteConsent, VoteConcern}[(step/3)%2]
		if v := r.Votes[UserID(u)]; v != nil && v.Choice == choice {
			continue
		}
		vote(t, p, u, "ga", r.N, choice)
		got := p.ConsentTally(r, "g1")
		fresh := p.countTally(r, "g1")
		if !slices.Equal(got.ConsentNames, fresh.ConsentNames) || !slices.Equal(got.ConcernNames, fresh.ConcernNames) ||
			got.Answered != fresh.Answered || got.Consents != fresh.Consents || got.Concerns != fresh.Concerns || got.Members != fresh.Members {
			t.Fatalf("step %d (%s → %s): cached %+v, counted %+v", step, u, choice, got, fresh)
		}
	}
	if _, cached := p.tallies[tallyKey{r.N, "g1"}]; !cached {
		t.Error("the tally is not cached at the end: the test did not exercise updates in place")
	}
}

// TestSmallGroupTallyFollowsChanges: in a group whose names lists hold
// every name, a changed vote moves the name from one list to the other in
// the cached tally.
func TestSmallGroupTallyFollowsChanges(t *testing.T) {
	p := decisionFixture(t)
	must(t, p, StartConsent{Actor: actor("fay", "fay", true), Proposal: 1})
	r := p.Rounds[len(p.Rounds)-1]
	for _, step := range []struct{ user, choice string }{
		{"dee", VoteConsent}, {"eve", VoteConsent}, {"dee", VoteConcern}, {"eve", VoteConcern}, {"dee", VoteConsent},
	} {
		p.ConsentTally(r, "g2") // cached before the vote
		vote(t, p, step.user, "gb", r.N, step.choice)
		if got, fresh := p.ConsentTally(r, "g2"), p.countTally(r, "g2"); !slices.Equal(got.ConsentNames, fresh.ConsentNames) ||
			!slices.Equal(got.ConcernNames, fresh.ConcernNames) || got.Consents != fresh.Consents || got.Concerns != fresh.Concerns {
			t.Fatalf("after %s → %s: cached %+v, counted %+v", step.user, step.choice, got, fresh)
		}
	}
}
