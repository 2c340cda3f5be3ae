package flows

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// at executes cmd at now and fails the test on an error.
func at(t *testing.T, p *Process, now time.Time, cmd Command) *Decision {
	t.Helper()
	keyN++
	d, err := Execute(p, cmd, testEnv(now), "t"+strings.Repeat("x", keyN))
	if err != nil {
		t.Fatalf("%T at %v: %v", cmd, now, err)
	}
	return d
}

// tick runs whatever is due at now, as the timer loop does, and returns
// the ids it ran.
func tick(t *testing.T, p *Process, now time.Time) []string {
	t.Helper()
	var ran []string
	for range 20 {
		id, ok := p.Due(testEnv(now))
		if !ok {
			return ran
		}
		if _, err := Execute(p, Tick{}, testEnv(now), "timer:"+id); err != nil {
			t.Fatal(err)
		}
		ran = append(ran, id)
	}
	t.Fatalf("still due after 20 ticks: %v", ran)
	return nil
}

// keysTo lists the catalog keys of the lines sent to dest.
func keysTo(d *Decision, dest Dest) []MsgKey {
	var keys []MsgKey
	for _, m := range d.Messages {
		if m.To == dest {
			for _, l := range m.Lines {
				keys = append(keys, l.Key)
			}
		}
	}
	return keys
}

func replyKeys(d *Decision) []MsgKey {
	if d.Reply == nil {
		return nil
	}
	var keys []MsgKey
	for _, l := range d.Reply.Lines {
		keys = append(keys, l.Key)
	}
	return keys
}

func has(keys []MsgKey, k MsgKey) bool { return slices.Contains(keys, k) }

// rejectionCase is a command the engine must refuse with want, changing
// nothing: the log's version and the state stay as they were.
type rejectionCase struct {
	name  string
	setup func(*testing.T) *Process
	now   time.Time
	cmd   Command
	want  MsgKey
}

func runRejections(t *testing.T, tests []rejectionCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.setup(t)
			before, _ := EncodeSnapshot(p)
			version := p.Version
			now := tt.now
			if now.IsZero() {
				now = t0
			}
			d, err := Execute(p, tt.cmd, testEnv(now), "reject")
			ue, ok := AsUserError(err)
			if !ok || ue.Line.Key != tt.want {
				t.Fatalf("got decision %+v, err %v; want the user error %s", d, err, tt.want)
			}
			if p.Version != version {
				t.Errorf("version %d after the rejection, want %d", p.Version, version)
			}
			if after, _ := EncodeSnapshot(p); string(after) != string(before) {
				t.Error("the state changed although the action was refused")
			}
		})
	}
}

var (
	fac     = actor("fay", "fay", true)
	facInA  = actor("fay", "ga", false)
	annInA  = actor("ann", "ga", false)
	bobInA  = actor("bob", "ga", false)
	casInB  = actor("cas", "gb", false)
	annDM   = actor("ann", "ann", true)
	casDM   = actor("cas", "cas", true)
	annJnt  = actor("ann", "joint", false)
	outside = actor("zed", "ga", false)
)

func withConcerns(t *testing.T) *Process {
	p := fixture(t)
	must(t, p, OpenRound{Actor: facInA, Kind: "concerns", Scope: ScopeAll})
	return p
}

func paused(t *testing.T) *Process {
	p := withConcerns(t)
	must(t, p, Pause{Actor: fac})
	return p
}

func withCheckin(t *testing.T) *Process {
	p := fixture(t)
	must(t, p, OpenRound{Actor: facInA, Kind: "checkin"})
	return p
}

// closedConcerns is a closed concerns round with a named answer by ann and
// a fully anonymous one by cas.
func closedConcerns(t *testing.T) *Process {
	p := withConcerns(t)
	must(t, p, GiveAnswer{Actor: annInA, Text: "Ik maak me zorgen."})
	must(t, p, GiveAnswer{Actor: casDM, Round: 1, Text: "Ik durf het niet hardop te zeggen.", Anonymous: true})
	must(t, p, Close{Actor: fac, Arg: "1"})
	return p
}

func withIntake(t *testing.T) *Process {
	p := fixture(t)
	must(t, p, OpenRound{Actor: fac, Kind: "intake"})
	return p
}

func withJoint(t *testing.T) *Process {
	p := fixture(t)
	must(t, p, Join{Actor: annJnt})
	must(t, p, ChangeSetting{Actor: fac, Key: SetSlowMode, Value: "10m"})
	must(t, p, OpenRound{Actor: actor("fay", "joint", false), Kind: "ideas", Scope: ScopeJoint})
	return p
}

func TestToolkitRejectionsChangeNothing(t *testing.T) {
	relayed := func(t *testing.T) *Process {
		p := closedConcerns(t)
		must(t, p, Approve{Actor: fac, Round: 1})
		return p
	}
	answeredJoint := func(t *testing.T) *Process {
		p := withJoint(t)
		at(t, p, t0, GiveAnswer{Actor: annJnt, Text: "Een moestuin op het plein."})
		return p
	}
	spoken := func(t *testing.T) *Process {
		p := withCheckin(t)
		first := p.Round(1).Turns["g1"].Current()
		must(t, p, GiveAnswer{Actor: actor(string(first), "ga", false), Text: "Goed."})
		return p
	}
	allSpoken := func(t *testing.T) *Process {
		p := spoken(t)
		next := p.Round(1).Turns["g1"].Current()
		must(t, p, Pass{Actor: actor(string(next), "ga", false)})
		return p
	}
	twoOpen := func(t *testing.T) *Process {
		p := fixture(t)
		must(t, p, OpenRound{Actor: facInA, Kind: "intro"})
		must(t, p, OpenRound{Actor: actor("fay", "gb", false), Kind: "intro"})
		return p
	}
	nudged := func(t *testing.T) *Process {
		p := withConcerns(t)
		must(t, p, Nudge{Actor: fac})
		return p
	}
	intakeClosed := func(t *testing.T) *Process {
		p := withIntake(t)
		must(t, p, Close{Actor: fac})
		return p
	}
	consentOpen := func(t *testing.T) *Process {
		p := decisionFixture(t)
		must(t, p, StartConsent{Actor: fac, Proposal: 1})
		must(t, p, Close{Actor: fac, Arg: "1"})
		return p
	}
	runRejections(t, []rejectionCase{
		// Safety.
		{"a participant pauses", withConcerns, time.Time{}, Pause{Actor: annInA}, ErrFacilitatorsOnly},
		{"an answer while paused", paused, time.Time{}, GiveAnswer{Actor: annInA, Text: "Mag ik?"}, ErrPaused},
		{"a pass while paused", paused, time.Time{}, Pass{Actor: annInA}, ErrPaused},
		{"a private answer started while paused", paused, time.Time{}, StartPrivateAnswer{Actor: annDM, Round: 1}, ErrPaused},
		{"a round opened while paused", func(t *testing.T) *Process {
			p := fixture(t)
			must(t, p, Pause{Actor: fac})
			return p
		}, time.Time{}, OpenRound{Actor: facInA, Kind: "intro"}, ErrPausedFacilitator},
		{"a vote while paused", func(t *testing.T) *Process {
			p := decisionFixture(t)
			must(t, p, StartConsent{Actor: fac, Proposal: 1})
			must(t, p, Pause{Actor: fac})
			return p
		}, time.Time{}, CastVote{Actor: annInA, Round: 1, Choice: VoteConsent}, ErrPaused},
		{"a nudge while paused", paused, time.Time{}, Nudge{Actor: fac}, ErrPausedFacilitator},
		{"closing while paused", paused, time.Time{}, Close{Actor: fac, Arg: "1"}, ErrPausedFacilitator},
		{"sharing a summary while paused", func(t *testing.T) *Process {
			p := closedConcerns(t)
			must(t, p, Pause{Actor: fac})
			return p
		}, time.Time{}, Approve{Actor: fac, Round: 1}, ErrPausedFacilitator},
		{"a nudge in the quiet hours", withConcerns, time.Date(2026, 3, 2, 22, 30, 0, 0, time.UTC), Nudge{Actor: fac}, ErrNudgeQuiet},
		{"a name another group's member has", fixture, time.Time{}, Rename{Actor: casInB, Name: "ann"}, ErrNameTaken},
		{"a facilitator's name", fixture, time.Time{}, Rename{Actor: casInB, Name: "Fay"}, ErrNameTaken},
		{"a confirmation while paused", func(t *testing.T) *Process {
			p := decisionFixture(t)
			must(t, p, StartConsent{Actor: fac, Proposal: 1})
			for _, v := range []struct{ user, chat string }{{"ann", "ga"}, {"bob", "ga"}, {"dee", "gb"}, {"eve", "gb"}, {"fin", "gc"}} {
				vote(t, p, v.user, v.chat, 1, VoteConsent)
			}
			must(t, p, Close{Actor: fac, Arg: "1"})
			must(t, p, Pause{Actor: fac})
			return p
		}, time.Time{}, Confirm{Actor: annInA, Proposal: 1}, ErrPaused},
		{"a time-out asked by an outsider", withConcerns, time.Time{}, RequestTimeout{Actor: outside}, ErrNotMember},
		{"a second answer within the slow-mode wait", answeredJoint, t0.Add(9 * time.Minute), GiveAnswer{Actor: annJnt, Text: "En bankjes."}, ErrSlowMode},
		{"an answer over the kind's maximum", withCheckin, time.Time{}, GiveAnswer{Actor: annInA, Text: strings.Repeat("a", 501)}, ErrAnswerTooLong},
		{"slow mode of nonsense", fixture, time.Time{}, ChangeSetting{Actor: fac, Key: SetSlowMode, Value: "soms"}, ErrSetSlowMode},
		{"slow mode of two days", fixture, time.Time{}, ChangeSetting{Actor: fac, Key: SetSlowMode, Value: "48h"}, ErrSetSlowMode},
		{"a tone that is not je or u", fixture, time.Time{}, ChangeSetting{Actor: fac, Key: SetTone, Value: "jij"}, ErrSetTone},
		// The talking piece.
		{"a participant skips", withCheckin, time.Time{}, SkipTurn{Actor: annInA}, ErrFacilitatorsOnly},
		{"skip without a turn round here", withConcerns, time.Time{}, SkipTurn{Actor: facInA}, ErrNoTurnRound},
		{"the turn to a stranger", withCheckin, time.Time{}, GiveTurn{Actor: facInA, Named: "Zed"}, ErrTurnWho},
		{"the turn to someone in another group", withCheckin, time.Time{}, GiveTurn{Actor: facInA, Target: "cas"}, ErrTurnWho},
		{"the turn to someone who spoke", spoken, time.Time{}, GiveTurn{Actor: facInA, Named: "Ann"}, ErrTurnSpoken},
		{"skip when everyone had a turn", allSpoken, time.Time{}, SkipTurn{Actor: facInA}, ErrTurnsDone},
		// Moderation.
		{"hide in an open round", withConcerns, time.Time{}, HideAnswer{Actor: fac, Round: 1, Text: "1 reden"}, ErrRoundNotClosed},
		{"hide by a participant", closedConcerns, time.Time{}, HideAnswer{Actor: annDM, Round: 1, Text: "1 reden"}, ErrFacilitatorsOnly},
		{"hide without a reason", closedConcerns, time.Time{}, HideAnswer{Actor: fac, Round: 1, Text: "1"}, ErrHideHow},
		{"hide without a number", closedConcerns, time.Time{}, HideAnswer{Actor: fac, Round: 1, Text: "die van Ann"}, ErrHideHow},
		{"hide a number that is not there", closedConcerns, time.Time{}, HideAnswer{Actor: fac, Round: 1, Text: "3 reden"}, ErrNoSuchAnswer},
		{"hide with a reason too long", closedConcerns, time.Time{}, HideAnswer{Actor: fac, Round: 1, Text: "1 " + strings.Repeat("x", maxReasonRunes+1)}, ErrAnswerTooLong},
		{"hide after the summary was shared", relayed, time.Time{}, StartHide{Actor: fac, Round: 1}, ErrAlreadyShared},
		{"hide in an intake", intakeClosed, time.Time{}, StartHide{Actor: fac, Round: 1}, ErrHideIntake},
		{"an empty synthesis", closedConcerns, time.Time{}, AddSynthesis{Actor: fac, Round: 1, Text: " "}, ErrEmptyAnswer},
		{"reopen a shared round", relayed, time.Time{}, Reopen{Actor: fac, Arg: "1"}, ErrReopenShared},
		{"reopen an open round", withConcerns, time.Time{}, Reopen{Actor: fac, Arg: "1"}, ErrRoundStillOpen},
		{"reopen a round that is not there", closedConcerns, time.Time{}, Reopen{Actor: fac, Arg: "9"}, ErrNoSuchRound},
		{"reopen without a number where nothing closed", fixture, time.Time{}, Reopen{Actor: facInA}, ErrReopenWhich},
		{"reopen a consent round", consentOpen, time.Time{}, Reopen{Actor: fac, Arg: "1"}, ErrReopenConsent},
		{"reopen by a participant", closedConcerns, time.Time{}, Reopen{Actor: annInA, Arg: "1"}, ErrFacilitatorsOnly},
		{"reopen while another round is open there", func(t *testing.T) *Process {
			p := closedConcerns(t)
			must(t, p, OpenRound{Actor: facInA, Kind: "intro"})
			return p
		}, time.Time{}, Reopen{Actor: fac, Arg: "1"}, ErrRoundStillOpen},
		// The intake.
		{"an intake answered in the group", withIntake, time.Time{}, GiveAnswer{Actor: annInA, Text: "Ik woon hier."}, ErrIntakeIsPrivate},
		{"a private answer button in an intake", withIntake, time.Time{}, StartPrivateAnswer{Actor: annDM, Round: 1}, ErrIntakeIsPrivate},
		{"an empty intake answer", withIntake, time.Time{}, AnswerIntake{Actor: annDM, Round: 1, Text: "  "}, ErrEmptyAnswer},
		{"an intake answer over the maximum", withIntake, time.Time{}, AnswerIntake{Actor: annDM, Round: 1, Text: strings.Repeat("a", 1501)}, ErrAnswerTooLong},
		{"an intake answer after closing", intakeClosed, time.Time{}, AnswerIntake{Actor: annDM, Round: 1, Text: "Te laat"}, ErrRoundClosedAlready},
		{"the intake button under another round", withConcerns, time.Time{}, StartIntake{Actor: annDM, Round: 1}, ErrButtonExpired},
		{"an intake by an outsider", withIntake, time.Time{}, StartIntake{Actor: actor("zed", "zed", true), Round: 1}, ErrJoinFirst},
		// Equal voice.
		{"a participant nudges", withConcerns, time.Time{}, Nudge{Actor: annInA}, ErrFacilitatorsOnly},
		{"a second nudge within the hour", nudged, t0.Add(59 * time.Minute), Nudge{Actor: fac}, ErrNudgedRecently},
		{"a nudge of a word", withConcerns, time.Time{}, Nudge{Actor: fac, Arg: "iedereen"}, ErrNudgeHow},
		{"a nudge of a closed round", closedConcerns, time.Time{}, Nudge{Actor: fac, Arg: "1"}, ErrRoundNotOpen},
		{"a nudge with nothing open", fixture, time.Time{}, Nudge{Actor: fac}, ErrNoOpenRound},
		{"a nudge when two rounds are open", twoOpen, time.Time{}, Nudge{Actor: fac}, ErrNudgeWhich},
	})
}

func TestPauseHoldsEverythingAndResumeShiftsClocks(t *testing.T) {
	p := withConcerns(t) // deadline 72h, reminders at 24h and 48h
	r := p.Round(1)
	deadline, firstReminder := r.Deadline, r.Reminders[0]

	d := at(t, p, t0.Add(time.Hour), Pause{Actor: fac})
	for _, chat := range p.Chats() {
		if !has(keysTo(d, ToChat(chat)), MsgPausedNotice) {
			t.Errorf("chat %s was not told about the pause", chat)
		}
	}
	if next := p.NextDue(testEnv(t0.Add(time.Hour))); !next.IsZero() {
		t.Errorf("something is due while paused: %v", next)
	}
	// A day and a half later the first reminder would have fired.
	if ran := tick(t, p, t0.Add(36*time.Hour)); len(ran) > 0 {
		t.Errorf("timers ran while paused: %v", ran)
	}
	if r.RemindersSent != 0 {
		t.Errorf("%d reminders sent while paused", r.RemindersSent)
	}
	d = at(t, p, t0.Add(36*time.Hour), Pause{Actor: fac})
	if !has(replyKeys(d), MsgAlreadyPaused) || len(d.Events) > 0 {
		t.Errorf("a second pause: reply %v, %d events", replyKeys(d), len(d.Events))
	}

	at(t, p, t0.Add(36*time.Hour), Resume{Actor: fac})
	shift := 35 * time.Hour
	if !r.Deadline.Equal(deadline.Add(shift)) || !r.Reminders[0].Equal(firstReminder.Add(shift)) {
		t.Errorf("deadline %v and reminder %v after resume; want both %v later", r.Deadline, r.Reminders[0], shift)
	}
	if ran := tick(t, p, t0.Add(36*time.Hour)); len(ran) > 0 {
		t.Errorf("timers ran at once after resume: %v", ran)
	}
	at(t, p, t0.Add(37*time.Hour), GiveAnswer{Actor: annInA, Text: "Nu wel."})
	if ran := tick(t, p, firstReminder.Add(shift)); len(ran) != 1 || !strings.Contains(ran[0], "remind1") {
		t.Errorf("at the shifted reminder ran %v, want the first reminder", ran)
	}
	d = at(t, p, t0.Add(40*time.Hour), RequestTimeout{Actor: casInB})
	if !has(keysTo(d, ToUser("fay")), MsgTimeoutRequested) || !has(replyKeys(d), MsgTimeoutSent) {
		t.Errorf("time-out request: to fay %v, reply %v", keysTo(d, ToUser("fay")), replyKeys(d))
	}
	if len(keysTo(d, ToChat("gb"))) > 0 {
		t.Error("a time-out request showed in the group")
	}
}

func TestSlowModeInJointRounds(t *testing.T) {
	p := withJoint(t)
	at(t, p, t0, GiveAnswer{Actor: annJnt, Text: "Een moestuin."})
	_, err := Execute(p, GiveAnswer{Actor: annJnt, Text: "En bankjes."}, testEnv(t0.Add(5*time.Minute)), "slow")
	ue, ok := AsUserError(err)
	if !ok || ue.Line.Key != ErrSlowMode || *ue.Line.Params["minutes"].Num != 5 {
		t.Fatalf("second answer after 5 minutes: %v", err)
	}
	at(t, p, t0.Add(10*time.Minute), GiveAnswer{Actor: annJnt, Text: "En bankjes."})
	if got := p.Round(1).Answers[namedKey("ann")].Text; got != "En bankjes." {
		t.Errorf("answer after the wait: %q", got)
	}
	// Outside joint rounds there is no slow mode.
	q := fixture(t)
	must(t, q, ChangeSetting{Actor: fac, Key: SetSlowMode, Value: "10m"})
	must(t, q, OpenRound{Actor: facInA, Kind: "concerns"})
	must(t, q, GiveAnswer{Actor: annInA, Text: "een"})
	must(t, q, GiveAnswer{Actor: annInA, Text: "twee"})
}

func TestTalkingPiece(t *testing.T) {
	p := fixture(t)
	must(t, p, AcceptRules{Actor: actor("dan", "ga", false), Group: "g1"})
	d := must(t, p, OpenRound{Actor: facInA, Kind: "checkin"})
	r := p.Round(1)
	turn := r.Turns["g1"]
	if len(turn.Order) != 3 || r.Turns["g2"] != nil {
		t.Fatalf("turns %+v: want three speakers in g1 only (the round is held here)", r.Turns)
	}
	order := slices.Clone(turn.Order)
	first, second, third := order[0], order[1], order[2]
	if !has(keysTo(d, ToUser(first)), MsgTurnYours) {
		t.Errorf("the first speaker %s was not told privately", first)
	}
	// The order varies per round: another seed deals another order for
	// at least one of a few seeds.
	varies := false
	for seed := int64(1); seed < 6 && !varies; seed++ {
		env := testEnv(t0)
		env.Seed = seed
		q := fixture(t)
		must(t, q, AcceptRules{Actor: actor("dan", "ga", false), Group: "g1"})
		if _, err := Execute(q, OpenRound{Actor: facInA, Kind: "checkin"}, env, "seed"); err != nil {
			t.Fatal(err)
		}
		varies = !slices.Equal(q.Round(1).Turns["g1"].Order, order)
	}
	if !varies {
		t.Error("the order is the same for every seed")
	}

	// The third speaker answers out of turn: held, not counted.
	d = must(t, p, GiveAnswer{Actor: actor(string(third), "ga", false), Text: "Ik ben er."})
	if !has(replyKeys(d), MsgTurnHeldShown) || r.Answers[namedKey(third)] != nil || turn.Held[third] != "Ik ben er." {
		t.Fatalf("out of turn: reply %v, answers %v, held %v", replyKeys(d), r.Answers, turn.Held)
	}
	// The first passes: the second speaks.
	d = must(t, p, Pass{Actor: actor(string(first), "ga", false)})
	if turn.Current() != second || !has(keysTo(d, ToChat("ga")), MsgTurnNow) {
		t.Fatalf("after the pass %s speaks, want %s", turn.Current(), second)
	}
	// The second's turn times out; the held answer of the third is placed
	// and, as everyone has now had a turn, the round is open to all.
	if ran := tick(t, p, t0.Add(29*time.Minute)); len(ran) > 0 {
		t.Fatalf("ran %v before the turn's time-out", ran)
	}
	tick(t, p, t0.Add(31*time.Minute))
	if !turn.done() || r.Answers[namedKey(third)] == nil || len(turn.Held) != 0 {
		t.Fatalf("after the time-out: pos %d of %d, answers %v, held %v", turn.Pos, len(turn.Order), r.Answers, turn.Held)
	}
	pr := p.Progress(r, testEnv(t0))[0]
	if pr.Answered != 1 || pr.Passed != 1 || pr.Waiting() != 1 {
		t.Errorf("progress %+v, want 1 answered, 1 passed, 1 waiting", pr)
	}
	// The facilitator gives the second speaker the turn back; they speak.
	d = must(t, p, GiveTurn{Actor: facInA, Target: second})
	if turn.Current() != second || !has(keysTo(d, ToUser(second)), MsgTurnYours) {
		t.Fatalf("the turn given back went to %s", turn.Current())
	}
	must(t, p, GiveAnswer{Actor: actor(string(second), "ga", false), Text: "Ook goed."})
	if !turn.done() {
		t.Errorf("the turn did not end after the given turn was used: pos %d", turn.Pos)
	}
}

func TestSkipAndHeldAnswersAtClosing(t *testing.T) {
	p := withCheckin(t)
	r := p.Round(1)
	turn := r.Turns["g1"]
	first, second := turn.Order[0], turn.Order[1]
	must(t, p, GiveAnswer{Actor: actor(string(second), "ga", false), Text: "Wacht op mijn beurt."})
	d := must(t, p, SkipTurn{Actor: facInA})
	if turn.Current() != "" || r.Answers[namedKey(second)] == nil {
		t.Fatalf("after skipping %s: current %q, answers %v", first, turn.Current(), r.Answers)
	}
	if !has(keysTo(d, ToChat("ga")), MsgTurnSkipped) || !has(keysTo(d, ToChat("ga")), MsgTurnPlacedShown) {
		t.Errorf("the chat saw %v", keysTo(d, ToChat("ga")))
	}
	// A held answer whose turn never came is placed when the round closes.
	q := withCheckin(t)
	held := q.Round(1).Turns["g1"].Order[1]
	must(t, q, GiveAnswer{Actor: actor(string(held), "ga", false), Text: "Bewaard."})
	must(t, q, Close{Actor: facInA})
	rq := q.Round(1)
	if rq.Answers[namedKey(held)] == nil || !slices.Contains(rq.Final.Answers, namedKey(held)) || rq.Final.Progress[0].Answered != 1 {
		t.Errorf("held answer at closing: answers %v, final %+v", rq.Answers, rq.Final)
	}
}

func TestLeavingSpeakerPassesTheTurn(t *testing.T) {
	p := withCheckin(t)
	turn := p.Round(1).Turns["g1"]
	first, second := turn.Order[0], turn.Order[1]
	must(t, p, Leave{Actor: actor(string(first), "ga", false)})
	if turn.Current() != second {
		t.Errorf("after %s left, %s speaks; want %s", first, turn.Current(), second)
	}
}

func TestHideAndSynthesisBeforeRelay(t *testing.T) {
	p := closedConcerns(t)
	r := p.Round(1)
	env := testEnv(t0)
	// The preview numbers ann's named answer 1 (group A), cas's anonymous 2.
	var log []Event
	d := must(t, p, HideAnswer{Actor: fac, Round: 1, Text: "1 noemt een buurman bij naam"})
	log = append(log, d.Events...)
	if !has(keysTo(d, ToUser("ann")), MsgAnswerHiddenYou) || r.Hidden[namedKey("ann")] != "noemt een buurman bij naam" {
		t.Fatalf("hiding ann's answer: to ann %v, hidden %v", keysTo(d, ToUser("ann")), r.Hidden)
	}
	if !has(keysTo(d, ToUser("fay")), MsgPreviewHeader) || !d.Done {
		t.Errorf("the facilitator gets no fresh preview, or the await stays: %v", keysTo(d, ToUser("fay")))
	}
	// The fully anonymous answer: nobody knows whose, so its group is told.
	d = must(t, p, HideAnswer{Actor: fac, Round: 1, Text: "#2 is niet over het onderwerp"})
	if !has(keysTo(d, ToChat("gb")), MsgAnonymousAnswerHidden) || len(keysTo(d, ToUser("cas"))) > 0 {
		t.Errorf("hiding the anonymous answer: gb %v, cas %v", keysTo(d, ToChat("gb")), keysTo(d, ToUser("cas")))
	}
	d = must(t, p, HideAnswer{Actor: fac, Round: 1, Text: "1 nog eens"})
	if !has(replyKeys(d), MsgAlreadyHidden) || len(d.Events) > 0 {
		t.Errorf("hiding twice: %v", replyKeys(d))
	}
	log = append(log, must(t, p, AddSynthesis{Actor: fac, Round: 1, Text: "Zorgen over veiligheid."}).Events...)
	summary := p.summary(r, env)
	var withheld, synthesis int
	for _, l := range summary {
		switch l.Key {
		case MsgSummaryAnswer, MsgSummaryAnswerAnonymous:
			t.Errorf("a hidden answer is in the summary: %v", l.Params)
		case MsgSummaryWithheld:
			withheld += *l.Params["count"].Num
		case MsgSummarySynthesis:
			synthesis++
		}
	}
	if withheld != 2 || synthesis != 1 {
		t.Errorf("summary notes %d withheld and %d syntheses, want 2 and 1", withheld, synthesis)
	}
	must(t, p, Approve{Actor: fac, Round: 1})
	var hidden, added int
	for _, l := range Report(p, log, env) {
		switch l.Key {
		case MsgRecordHidden:
			hidden++
			if l.Params["note"].Text != "noemt een buurman bij naam" {
				t.Errorf("the record gives the reason %q", l.Params["note"].Text)
			}
		case MsgRecordSynthesis:
			added++
		case MsgSummaryAnswer:
			t.Errorf("the record shows a hidden answer: %v", l.Params)
		}
	}
	if hidden != 1 || added != 1 {
		t.Errorf("the record lists %d hidings and %d syntheses, want 1 and 1", hidden, added)
	}
}

func TestReopenARoundClosedByMistake(t *testing.T) {
	p := withConcerns(t)
	must(t, p, GiveAnswer{Actor: annInA, Text: "eerste"})
	at(t, p, t0.Add(time.Hour), Close{Actor: fac, Arg: "1"})
	d := at(t, p, t0.Add(2*time.Hour), Reopen{Actor: fac, Arg: "1 te vroeg gesloten"})
	r := p.Round(1)
	if !r.Open() || r.Final != nil || !r.Deadline.Equal(t0.Add(2*time.Hour+72*time.Hour)) {
		t.Fatalf("reopened round: open %v, final %v, deadline %v", r.Open(), r.Final, r.Deadline)
	}
	if !has(keysTo(d, ToChat("ga")), MsgRoundReopened) {
		t.Errorf("group A was not told: %v", keysTo(d, ToChat("ga")))
	}
	at(t, p, t0.Add(3*time.Hour), GiveAnswer{Actor: casInB, Text: "nu ik ook"})
	// The kind's reminders count from the reopening; the new deadline closes it.
	if ran := tick(t, p, t0.Add(25*time.Hour)); len(ran) > 0 {
		t.Errorf("ran %v a day after the first opening", ran)
	}
	if ran := tick(t, p, t0.Add(26*time.Hour)); len(ran) != 1 || !strings.HasPrefix(ran[0], "r1:remind1@") {
		t.Errorf("a day after reopening ran %v, want the first reminder", ran)
	}
	tick(t, p, r.Deadline)
	if r.Open() || len(r.Final.Answers) != 2 {
		t.Errorf("at the new deadline: open %v, final %+v", r.Open(), r.Final)
	}
}

func TestIntake(t *testing.T) {
	p := withIntake(t)
	r := p.Round(1)
	env := testEnv(t0)
	if len(r.Groups) != 2 || r.Def.Relay != RelayApprove || len(r.Def.Questions) != 5 {
		t.Fatalf("intake round %+v", r)
	}
	d := must(t, p, StartIntake{Actor: annInA, Round: 1})
	if d.Await == nil || d.Await.Purpose != PurposeIntake || !d.Reply.Private || !has(replyKeys(d), MsgIntakeQuestion) {
		t.Fatalf("start: await %+v, reply %v", d.Await, replyKeys(d))
	}
	answers := []string{"Ik woon ernaast.", "De onzekerheid.", "Rust.", "Wie er komen wonen.", "De school."}
	for i, a := range answers[:3] {
		d = must(t, p, PrivateText{Actor: annDM, Await: *d.Await, Text: a})
		if i < 2 && d.Await.N != i+1 {
			t.Fatalf("after answer %d the bot waits for question %d", i+1, d.Await.N+1)
		}
	}
	// Ann stops after three; she comes back later and goes on at question 4.
	d = must(t, p, StartIntake{Actor: annDM, Round: 1})
	if d.Await.N != 3 || !has(replyKeys(d), MsgIntakeContinue) {
		t.Fatalf("continuing: await %+v, reply %v", d.Await, replyKeys(d))
	}
	if pr := p.Progress(r, env)[0]; pr.Answered != 0 {
		t.Errorf("a half-done intake counts: %+v", pr)
	}
	for _, a := range answers[3:] {
		d = must(t, p, PrivateText{Actor: annDM, Await: *d.Await, Text: a})
	}
	if !d.Done || !has(replyKeys(d), MsgIntakeThanks) {
		t.Fatalf("the last answer: done %v, reply %v", d.Done, replyKeys(d))
	}
	if got := r.Answers[namedKey("ann")]; got == nil || !slices.Equal(got.Parts, answers) || got.Level != AnonFacilitators {
		t.Fatalf("ann's intake: %+v", got)
	}
	must(t, p, Pass{Actor: casInB, Round: 1}) // cas would rather not
	d = must(t, p, StartIntake{Actor: bobInA, Round: 1})
	must(t, p, PrivateText{Actor: actor("bob", "bob", true), Await: *d.Await, Text: "Ik ben de buurman."})
	// A member joining now is invited privately.
	d = must(t, p, AcceptRules{Actor: actor("dan", "gb", false), Group: "g2"})
	if !has(keysTo(d, ToUser("dan")), MsgIntakeInvite) {
		t.Errorf("dan, joining during the intake, got %v", keysTo(d, ToUser("dan")))
	}
	progress := p.Progress(r, env)
	if progress[0].Answered != 1 || progress[1].Passed != 1 {
		t.Errorf("progress %+v", progress)
	}

	d = must(t, p, Close{Actor: fac})
	preview := keysTo(d, ToUser("fay"))
	if !has(preview, MsgIntakePerson) || !has(preview, MsgIntakePartial) || !has(preview, MsgIntakeOverviewHeader) {
		t.Errorf("the facilitator's preview: %v", preview)
	}
	for _, m := range d.Messages {
		if m.To.Chat != "" && len(m.Lines) > 0 && m.Lines[0].Key == MsgSummaryHeader {
			t.Errorf("the intake was shared with %s", m.To.Chat)
		}
	}
	// What is shared (and goes into the record) names nobody and holds
	// only the answers to the overview questions.
	d = must(t, p, Approve{Actor: fac, Round: 1})
	shared := 0
	for _, m := range d.Messages {
		for _, l := range m.Lines {
			shared++
			for _, v := range l.Params {
				if v.Text == "Ann" || v.Text == "Bob" || slices.Contains(answers[:3], v.Text) || v.Text == "Ik ben de buurman." {
					t.Errorf("the shared overview shows %q to %v", v.Text, m.To)
				}
			}
		}
	}
	if shared == 0 {
		t.Error("approving shared nothing")
	}
	for _, l := range p.summary(r, env) {
		for _, v := range l.Params {
			if v.Text == "Ann" || v.Text == "Bob" || slices.Contains(answers[:3], v.Text) || v.Text == "Ik ben de buurman." {
				t.Errorf("the overview shows %q", v.Text)
			}
		}
	}
	// One person answered the overview questions: shared, anyone could
	// tell whose the answers are, so they stay with the facilitators.
	var themes []string
	tooFew := 0
	for _, l := range p.summary(r, env) {
		switch l.Key {
		case MsgSummaryAnswerAnonymous:
			themes = append(themes, l.Params["text"].Text)
		case MsgIntakeTooFew:
			tooFew++
		}
	}
	if len(themes) > 0 || tooFew != 2 {
		t.Errorf("shared overview of one person: answers %v, %d notes of too few", themes, tooFew)
	}
	themes = nil
	for _, l := range p.intakePreview(r, env) {
		if l.Key == MsgSummaryAnswerAnonymous {
			themes = append(themes, l.Params["text"].Text)
		}
	}
	if slices.Sort(themes); !slices.Equal(themes, []string{"De school.", "Wie er komen wonen."}) {
		t.Errorf("the facilitators' overview: %v", themes)
	}
}

func TestNudge(t *testing.T) {
	p := fixture(t)
	must(t, p, OpenRound{Actor: facInA, Kind: "intro", Scope: ScopeAll})
	must(t, p, GiveAnswer{Actor: annInA, Text: "klaar"})
	d := must(t, p, Nudge{Actor: fac})
	if !has(keysTo(d, ToUser("bob")), MsgNudgeFrom) || !has(keysTo(d, ToUser("cas")), MsgNudgeFrom) || len(keysTo(d, ToUser("ann"))) > 0 {
		t.Errorf("nudges: bob %v, cas %v, ann %v", keysTo(d, ToUser("bob")), keysTo(d, ToUser("cas")), keysTo(d, ToUser("ann")))
	}
	if d.Reply.Lines[0].Key != MsgNudgedNames || d.Reply.Lines[0].Params["names"].Text != "Bob, Cas" {
		t.Errorf("reply %+v", d.Reply.Lines)
	}
	for _, m := range d.Messages {
		if m.To.Chat != "" {
			t.Errorf("a nudge went to chat %s", m.To.Chat)
		}
	}
	// An hour later it may be done again.
	at(t, p, t0.Add(time.Hour), Nudge{Actor: fac})

	// A round where one may answer fully anonymously: the facilitator
	// learns how many are waiting, not who, or they would know who
	// answered anonymously.
	q := withConcerns(t)
	if q.Round(1).AnonymousLevel() != AnonFull {
		t.Fatal("the concerns kind no longer offers full anonymity; pick another kind")
	}
	d = must(t, q, Nudge{Actor: fac})
	if d.Reply.Lines[0].Key != MsgNudgedCount {
		t.Errorf("fully anonymous round: reply %v", replyKeys(d))
	}
}

func TestStatusShowsSharesAndWaiting(t *testing.T) {
	p := withConcerns(t)
	must(t, p, GiveAnswer{Actor: annInA, Text: "een"})
	must(t, p, GiveAnswer{Actor: bobInA, Text: "twee"})
	must(t, p, GiveAnswer{Actor: casDM, Round: 1, Text: "drie"})
	must(t, p, OpenRound{Actor: actor("fay", "joint", false), Kind: "intro", Scope: ScopeJoint})
	shares := map[string]int{}
	for _, l := range must(t, p, ShowStatus{Actor: casInB}).Reply.Lines {
		if l.Key == MsgStatusVoice {
			shares[l.Params["group"].Text] = *l.Params["share"].Num
		}
		if l.Key == MsgStatusWaiting {
			t.Errorf("who has not answered shows in a group chat")
		}
	}
	if shares["Groep A"] != 67 || shares["Groep B"] != 33 {
		t.Errorf("shares %v, want A 67%% and B 33%%", shares)
	}
	waiting := 0
	for _, l := range must(t, p, ShowStatus{Actor: fac}).Reply.Lines {
		if l.Key == MsgStatusWaiting {
			waiting++
		}
	}
	if waiting != 0 {
		t.Errorf("%d waiting lines; the joint round has no participants and everyone answered round 1", waiting)
	}
	must(t, p, Join{Actor: annJnt})
	lines := must(t, p, ShowStatus{Actor: fac}).Reply.Lines
	found := false
	for _, l := range lines {
		if l.Key == MsgStatusWaiting && l.Params["names"].Text == "Ann" {
			found = true
		}
	}
	if !found {
		t.Errorf("the facilitator does not see that Ann has not answered the joint round")
	}
}

func TestLocales(t *testing.T) {
	tests := []struct{ personal, process, want string }{
		{"", "nl-u", "nl-u"},
		{"nl", "nl-u", "nl-u"},
		{"en", "nl-u", "en"},
		{"nl", "en", "nl"},
		{"", "en", "en"},
	}
	for _, tt := range tests {
		if got := PersonalLocale(tt.personal, tt.process); got != tt.want {
			t.Errorf("PersonalLocale(%q, %q) = %q, want %q", tt.personal, tt.process, got, tt.want)
		}
	}
	if LocaleOf("nl", ToneU) != "nl-u" || LocaleOf("en", ToneU) != "en" || LocaleOf("nl", ToneJe) != "nl" {
		t.Error("LocaleOf")
	}
	text := Text{"nl": "Stel je voor", "nl-u": "Stelt u zich voor", "en": "Introduce yourself"}
	if text.In("nl-u") != "Stelt u zich voor" || (Text{"nl": "Hallo"}).In("nl-u") != "Hallo" {
		t.Error("Text.In does not pick or fall back for nl-u")
	}
	p := fixture(t)
	if p.Locale() != "nl" {
		t.Errorf("default locale %q", p.Locale())
	}
	must(t, p, ChangeSetting{Actor: fac, Key: SetTone, Value: "U"})
	if p.Locale() != "nl-u" {
		t.Errorf("locale after /set tone u: %q", p.Locale())
	}
	c := Catalogs()["nl-u"]
	if text, _ := c.Text(MsgAnswerReceived, nil); !strings.HasPrefix(text, "Dank u") {
		t.Errorf("nl-u answer_received: %q", text)
	}
	if text, _ := c.Text(MsgRoundHeader, nil); text == "" {
		t.Error("nl-u lacks a text nl has: the overlay must fall back")
	}
}

func TestToolkitTemplateChecks(t *testing.T) {
	q := func(s string) Text { return Text{"nl": s, "en": s} }
	tests := []struct {
		name string
		kind Kind
		want string
	}{
		{"anonymous turns", Kind{Turns: true, Anonymity: AnonFull}, "talking piece"},
		{"a time-out without turns", Kind{TurnTimeout: Duration(time.Minute)}, "turn_timeout"},
		{"an intake without questions", Kind{Scope: ScopePrivate}, "asks nothing"},
		{"an overview of a missing question", Kind{Scope: ScopePrivate, Questions: []Text{q("a")}, Overview: []int{2}}, "names question 2"},
		{"an intake that relays", Kind{Scope: ScopePrivate, Questions: []Text{q("a")}, Relay: RelayAuto}, "only facilitators"},
		{"questions outside an intake", Kind{Questions: []Text{q("a")}}, "belong to a private intake"},
		{"a negative maximum", Kind{MaxLength: -1}, "max_length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := tt.kind
			k.Title, k.Prompt = q("Titel"), q("Vraag")
			var found []string
			k.check(func(key, format string, args ...any) {
				found = append(found, key+": "+fmt.Sprintf(format, args...))
			}, "kinds.x", "x")
			if !slices.ContainsFunc(found, func(s string) bool { return strings.Contains(s, tt.want) }) {
				t.Errorf("reports %v, want one about %q", found, tt.want)
			}
		})
	}
}

func TestTurnGivenBackKeepsTheWaitingSpeaker(t *testing.T) {
	p := fixture(t)
	must(t, p, AcceptRules{Actor: actor("dan", "ga", false), Group: "g1"})
	must(t, p, OpenRound{Actor: facInA, Kind: "checkin"})
	turn := p.Round(1).Turns["g1"]
	first, second, third := turn.Order[0], turn.Order[1], turn.Order[2]
	must(t, p, SkipTurn{Actor: facInA}) // first skipped; second speaks
	d := must(t, p, GiveTurn{Actor: facInA, Target: first})
	if turn.Current() != first || !has(keysTo(d, ToUser(second)), MsgTurnDeferred) {
		t.Fatalf("the turn given back: current %s, %s told %v", turn.Current(), second, keysTo(d, ToUser(second)))
	}
	must(t, p, GiveAnswer{Actor: actor(string(first), "ga", false), Text: "Sorry, ik was even weg."})
	if turn.Current() != second {
		t.Fatalf("after the given turn %s speaks; want %s, who was waiting", turn.Current(), second)
	}
	must(t, p, Pass{Actor: actor(string(second), "ga", false)})
	if turn.Current() != third {
		t.Errorf("then %s; want %s", turn.Current(), third)
	}
}

func TestAnswerAfterOnesTurnPassedIsPlacedNext(t *testing.T) {
	p := fixture(t)
	must(t, p, AcceptRules{Actor: actor("dan", "ga", false), Group: "g1"})
	must(t, p, OpenRound{Actor: facInA, Kind: "checkin"})
	r := p.Round(1)
	turn := r.Turns["g1"]
	first, second, third := turn.Order[0], turn.Order[1], turn.Order[2]
	tick(t, p, t0.Add(31*time.Minute)) // the first's turn times out
	if turn.Current() != second {
		t.Fatalf("after the time-out %s speaks, want %s", turn.Current(), second)
	}
	must(t, p, GiveAnswer{Actor: actor(string(first), "first", true), Round: 1, Text: "Ik was te laat."})
	if r.Answers[namedKey(first)] != nil {
		t.Fatal("the late answer interrupted the current speaker")
	}
	d := must(t, p, GiveAnswer{Actor: actor(string(second), "ga", false), Text: "Ik ben er."})
	if r.Answers[namedKey(first)] == nil || turn.Current() != third || !has(keysTo(d, ToChat("ga")), MsgTurnPlaced) {
		t.Errorf("after the second spoke: answers %v, current %s, chat %v", r.Answers, turn.Current(), keysTo(d, ToChat("ga")))
	}
}

func TestDecliningAnIntakeEndsItsQuestions(t *testing.T) {
	p := withIntake(t)
	d := must(t, p, StartIntake{Actor: annDM, Round: 1})
	must(t, p, PrivateText{Actor: annDM, Await: *d.Await, Text: "Ik woon ernaast."})
	if d = must(t, p, Pass{Actor: annDM, Round: 1}); !d.Done {
		t.Error("declining leaves the bot waiting for the next intake answer")
	}
}

func TestAnEditedAnswerIsJudgedAnew(t *testing.T) {
	p := closedConcerns(t)
	must(t, p, HideAnswer{Actor: fac, Round: 1, Text: "1 noemt iemand bij naam"})
	must(t, p, Reopen{Actor: fac, Arg: "1"})
	must(t, p, GiveAnswer{Actor: annInA, Text: "Ik maak me zorgen, zonder namen."})
	if len(p.Round(1).Hidden) != 0 {
		t.Errorf("the rewritten answer is still hidden: %v", p.Round(1).Hidden)
	}
}

func TestRepeatedRequestsStayQuiet(t *testing.T) {
	p := withConcerns(t)
	must(t, p, RequestTimeout{Actor: casInB})
	d := at(t, p, t0.Add(30*time.Minute), RequestTimeout{Actor: casInB})
	if len(d.Events) > 0 || len(d.Messages) > 0 || !has(replyKeys(d), MsgTimeoutAlready) {
		t.Errorf("a second request within the hour: %d events, %d messages, reply %v", len(d.Events), len(d.Messages), replyKeys(d))
	}
	at(t, p, t0.Add(61*time.Minute), RequestTimeout{Actor: casInB})

	// A nudge when nobody is waiting says so, even within the hour.
	must(t, p, Nudge{Actor: fac})
	must(t, p, GiveAnswer{Actor: annInA, Text: "een"})
	must(t, p, GiveAnswer{Actor: bobInA, Text: "twee"})
	must(t, p, Pass{Actor: casInB})
	d = at(t, p, t0.Add(10*time.Minute), Nudge{Actor: fac})
	if !has(replyKeys(d), MsgNobodyWaiting) {
		t.Errorf("nudging when all answered: %v", replyKeys(d))
	}
}

func TestDurationsReadAsWritten(t *testing.T) {
	for in, want := range map[time.Duration]string{
		10 * time.Minute: "10m", 90 * time.Minute: "1h30m", 2 * time.Hour: "2h", 48 * time.Hour: "2d", 90 * time.Second: "1m30s",
	} {
		if got := Duration(in).String(); got != want {
			t.Errorf("Duration(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestHeldAnswersArePrivateAndCanBeTakenBack(t *testing.T) {
	p := withCheckin(t)
	r := p.Round(1)
	turn := r.Turns["g1"]
	first, second := turn.Order[0], turn.Order[1]
	private := actor(string(second), string(second), true)
	d := must(t, p, GiveAnswer{Actor: private, Round: 1, Text: "Iets persoonlijks."})
	if d.Reply.Buttons == nil {
		t.Error("a held answer has no button to take it back")
	}
	for _, m := range p.waiting(r, testEnv(t0)) {
		if m.User == second {
			t.Error("someone whose answer is held counts as still waiting")
		}
	}
	d = must(t, p, Pass{Actor: actor(string(first), "ga", false)})
	for _, m := range d.Messages {
		for _, l := range m.Lines {
			for _, v := range l.Params {
				if v.Text == "Iets persoonlijks." && m.To.Chat != "" {
					t.Errorf("a private answer was posted in chat %s", m.To.Chat)
				}
			}
		}
	}
	if r.Answers[namedKey(second)] == nil {
		t.Fatal("the held answer was not placed at its turn")
	}

	q := withCheckin(t)
	held := q.Round(1).Turns["g1"].Order[1]
	must(t, q, GiveAnswer{Actor: actor(string(held), "ga", false), Text: "Toch niet."})
	must(t, q, Withdraw{Actor: actor(string(held), string(held), true), Round: 1})
	if len(q.Round(1).Turns["g1"].Held) != 0 {
		t.Error("withdrawing kept the held answer")
	}
	must(t, q, GiveAnswer{Actor: actor(string(held), "ga", false), Text: "Dan toch."})
	d = must(t, q, Pass{Actor: actor(string(held), "ga", false)})
	if len(q.Round(1).Turns["g1"].Held) != 0 || !has(replyKeys(d), MsgPassedWithdrawn) {
		t.Errorf("a pass after a held answer: held %v, reply %v", q.Round(1).Turns["g1"].Held, replyKeys(d))
	}
}

func TestLateJoinerGetsATurn(t *testing.T) {
	p := withCheckin(t)
	d := must(t, p, AcceptRules{Actor: actor("dan", "ga", false), Group: "g1"})
	turn := p.Round(1).Turns["g1"]
	if turn.Order[len(turn.Order)-1] != "dan" || !has(keysTo(d, ToUser("dan")), MsgTurnJoined) {
		t.Fatalf("order %v, dan told %v", turn.Order, keysTo(d, ToUser("dan")))
	}
	for range 2 {
		must(t, p, Pass{Actor: actor(string(turn.Current()), "ga", false)})
	}
	if turn.Current() != "dan" {
		t.Errorf("after the others %q speaks, want dan", turn.Current())
	}
}

func TestPreviewNumbersSurviveARename(t *testing.T) {
	p := withConcerns(t)
	must(t, p, GiveAnswer{Actor: bobInA, Text: "Bob zegt iets."})
	must(t, p, GiveAnswer{Actor: annInA, Text: "Ann zegt iets."})
	must(t, p, Close{Actor: fac, Arg: "1"})
	must(t, p, Rename{Actor: annInA, Name: "Zus"}) // would sort after Bob now
	must(t, p, HideAnswer{Actor: fac, Round: 1, Text: "1 reden"})
	if _, ok := p.Round(1).Hidden[namedKey("ann")]; !ok {
		t.Errorf("answer 1 in the preview was Ann's; hidden now: %v", p.Round(1).Hidden)
	}
}

func TestAHideAfterTheSummaryWentOutStopsWaiting(t *testing.T) {
	p := closedConcerns(t)
	must(t, p, Approve{Actor: fac, Round: 1})
	d := must(t, p, HideAnswer{Actor: fac, Round: 1, Text: "1 reden"})
	if !d.Done || len(d.Events) > 0 || !has(replyKeys(d), ErrAlreadyShared) {
		t.Errorf("done %v, events %d, reply %v", d.Done, len(d.Events), replyKeys(d))
	}
}

func TestQuietHoursBeforeADeadline(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	q, _ := ParseQuietHours("22:00-08:00")
	tests := []struct{ in, want time.Time }{
		{time.Date(2026, 3, 3, 6, 0, 0, 0, ams), time.Date(2026, 3, 2, 21, 59, 0, 0, ams)},
		{time.Date(2026, 3, 2, 23, 0, 0, 0, ams), time.Date(2026, 3, 2, 21, 59, 0, 0, ams)},
		{time.Date(2026, 3, 3, 12, 0, 0, 0, ams), time.Date(2026, 3, 3, 12, 0, 0, 0, ams)},
		// The night the clocks go back is 25 hours long.
		{time.Date(2026, 10, 25, 7, 0, 0, 0, ams), time.Date(2026, 10, 24, 21, 59, 0, 0, ams)},
	}
	for _, tt := range tests {
		if got := q.Before(tt.in, ams); !got.Equal(tt.want) {
			t.Errorf("Before(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSlowModeLetsPeopleReword(t *testing.T) {
	p := withJoint(t)
	at(t, p, t0, GiveAnswer{Actor: annJnt, Text: "Boos."})
	at(t, p, t0.Add(2*time.Minute), GiveAnswer{Actor: annJnt, Text: "Eigenlijk vooral moe.", Edit: true})
	if got := p.Round(1).Answers[namedKey("ann")].Text; got != "Eigenlijk vooral moe." {
		t.Errorf("the reworded answer: %q", got)
	}
}
