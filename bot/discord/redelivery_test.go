package discord

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samen-bot/samen/bot/discord/discordtest"
)

// Discord may deliver an event twice (a replay after a RESUME). The same
// interaction (same id and token) or message must be recorded once; an
// interaction whose first answer never reached Discord must still be
// answered by the second delivery (else the person sees "This interaction
// failed"), without a second vote or answer.

// loggedEvent is one entry of a process's log, as stored.
type loggedEvent struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// countLogged counts the events of type typ in the process's log whose data
// contains every one of wants.
func (s *twoGroups) countLogged(typ string, wants ...string) int {
	s.t.Helper()
	raws, err := s.store.ReadLog(s.ctx, s.code, 1, 100000)
	if err != nil {
		s.t.Fatal(err)
	}
	n := 0
next:
	for _, raw := range raws {
		var e loggedEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			s.t.Fatal(err)
		}
		if e.Type != typ {
			continue
		}
		for _, w := range wants {
			if !strings.Contains(string(e.Data), w) {
				continue next
			}
		}
		n++
	}
	return n
}

// lastVote is the data of the last vote_cast of user.
func (s *twoGroups) lastVote(user string) string {
	s.t.Helper()
	raws, err := s.store.ReadLog(s.ctx, s.code, 1, 100000)
	if err != nil {
		s.t.Fatal(err)
	}
	last := ""
	for _, raw := range raws {
		var e loggedEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			s.t.Fatal(err)
		}
		if e.Type == "vote_cast" && strings.Contains(string(e.Data), user) {
			last = string(e.Data)
		}
	}
	return last
}

// callbacksTo counts the callbacks the bot posted for interaction i, by
// status.
func (s *twoGroups) callbacksTo(i *discordtest.Interaction) map[int]int {
	out := map[int]int{}
	for _, c := range s.fake.Calls() {
		if c.Method == http.MethodPost && strings.HasPrefix(c.Path, "/api/v9/interactions/"+i.ID+"/") && strings.HasSuffix(c.Path, "/callback") {
			out[c.Status]++
		}
	}
	return out
}

// loseCallbacks makes the next n interaction callbacks fail on the way to
// Discord, as a dropped connection would: Discord never sees them.
// Each lost callback's path is sent on lost.
type loseCallbacks struct {
	next http.RoundTripper
	n    *atomic.Int32
	lost chan string
}

func (l loseCallbacks) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/callback") && l.n.Add(-1) >= 0 {
		l.lost <- r.URL.Path
		return nil, errors.New("connection reset (test)")
	}
	return l.next.RoundTrip(r)
}

// consentOpen opens a consent round on a proposal in both channels and
// returns the round's message in buren.
func consentOpen(s *twoGroups) discordtest.Message {
	s.t.Helper()
	s.dm(s.fay, "/propose Een deelauto voor de straat")
	if r := s.dm(s.fay, "/consent 1"); !strings.Contains(shown(r.Content), "Instemming") && !s.has(s.buren, "Instemming met voorstel 1") {
		s.t.Fatalf("/consent 1 answered %q", r.Content)
	}
	return s.find(s.buren, "Instemming met voorstel 1")
}

// TestInteractionDeliveredTwiceCountsOnce: Ann's consent press whose answer
// was lost, then delivered again: answered now, one vote. Bob's concern
// form, submitted and answered, then — after he changed his concern —
// delivered again: the old concern is not put back, and not answered again.
func TestInteractionDeliveredTwiceCountsOnce(t *testing.T) {
	lose, lost := &atomic.Int32{}, make(chan string, 1)
	s := linkedTwo(t, newHarness(t, harnessOptions{Transport: func(next http.RoundTripper) http.RoundTripper {
		return loseCallbacks{next: next, n: lose, lost: lost}
	}}))
	round := consentOpen(s)

	// The first answer to Ann's press is lost: Discord would show her
	// "This interaction failed" unless the redelivery is answered.
	lose.Store(1)
	_, consent := s.button(s.buren, "Ik stem in")
	press := s.fake.Press(s.ann, s.buren, round.ID, consent)
	select {
	case path := <-lost:
		if !strings.Contains(path, "/interactions/"+press.ID+"/") {
			t.Fatalf("lost the answer %s, want the one to Ann's press %s", path, press.ID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Ann's press was not answered within 10s")
	}
	s.fake.Redeliver(press.ID)
	reply := s.fake.WaitReply(t, press)
	s.flush()
	if !strings.Contains(shown(reply.Content), "Ik stem in") {
		t.Errorf("the redelivered press was answered %q", reply.Content)
	}
	if n := s.countLogged("vote_cast", s.ann.ID); n != 1 {
		t.Errorf("Ann's vote recorded %d times, want once", n)
	}

	// Bob's concern: the form, submitted, answered, then the submission
	// delivered again.
	_, concern := s.button(s.buren, "Ik stem in, met een zorg")
	form := s.fake.WaitReply(t, s.fake.Press(s.bob, s.buren, round.ID, concern))
	if form.Modal == nil {
		t.Fatalf("the concern button answered %q, want a form", form.Content)
	}
	const worry = "Wie betaalt de verzekering?"
	submitted := s.fake.Submit(s.bob, s.buren, form.Modal.CustomID, worry)
	first := s.fake.WaitReply(t, submitted)
	s.flush()
	// Bob changes his concern; then the first submission arrives again,
	// late. It must not put the old concern back.
	form = s.fake.WaitReply(t, s.fake.Press(s.bob, s.buren, round.ID, concern))
	if form.Modal == nil {
		t.Fatalf("the concern button, pressed again, answered %q, want a form", form.Content)
	}
	const changed = "Wie betaalt de verzekering, en wie de banden?"
	s.fake.WaitReply(t, s.fake.Submit(s.bob, s.buren, form.Modal.CustomID, changed))
	s.flush()
	s.fake.Redeliver(submitted.ID)
	// The second delivery's answer is refused (40060: answered already);
	// wait for that attempt, so that its work is done before counting.
	s.fake.Wait(t, "the bot's answer to the second delivery", func() bool {
		return s.callbacksTo(submitted)[http.StatusBadRequest] >= 1
	})
	s.flush()
	if !strings.Contains(shown(first.Content), "Genoteerd: Ik stem in, met een zorg.") {
		t.Errorf("the concern was answered %q", first.Content)
	}
	if n := s.countLogged("vote_cast", s.bob.ID, worry+`"`); n != 1 {
		t.Errorf("Bob's first concern recorded %d times, want once", n)
	}
	if n := s.countLogged("vote_cast", s.bob.ID, changed); n != 1 {
		t.Errorf("Bob's changed concern recorded %d times, want once", n)
	}
	if got := s.lastVote(s.bob.ID); !strings.Contains(got, changed) {
		t.Errorf("Bob's vote after the late redelivery: %s, want his changed concern", got)
	}
	if n := len(s.fake.Responses(submitted)); n != 1 {
		t.Errorf("the concern was answered %d times, want once: %+v", n, s.fake.Responses(submitted))
	}
	if n := len(s.fake.Responses(press)); n != 1 {
		t.Errorf("Ann's press answered %d times, want once", n)
	}
	if got := shown(s.find(s.buren, "Instemming met voorstel 1").Content); !strings.Contains(got, "2 van 2") {
		t.Errorf("the round's progress after two votes, each delivered twice: %q", got)
	}
}

// TestMessageReplayedAfterResumeCountsOnce: Fay's /propose in her direct
// messages is replayed by the gateway after a RESUME. One proposal, one
// answer.
func TestMessageReplayedAfterResumeCountsOnce(t *testing.T) {
	s := newTwoGroups(t, harnessOptions{})
	dm := s.fake.DMChannel(s.fay)
	const text = "Een bankje bij de bushalte"
	before := len(s.fake.Messages(dm))
	s.dm(s.fay, "/propose "+text)
	msgs := s.fake.Messages(dm)
	propose := msgs[before] // Fay's message; the bot's answer follows it

	resumes := s.fake.Resumes()
	s.fake.Drop()
	s.fake.Redeliver(propose.ID)
	s.fake.Wait(t, "the RESUME", func() bool { return s.fake.Resumes() > resumes && s.fake.Connected() })
	// Messages in one channel are handled in order: the answer to this
	// one means the replayed one was taken before it.
	s.dm(s.fay, "/help")
	s.flush()

	if n := s.countLogged("proposal_created", text); n != 1 {
		t.Errorf("the proposal recorded %d times, want once", n)
	}
	answers := 0
	for _, m := range s.fake.Messages(dm)[before:] {
		if m.AuthorID == s.a.BotID() && strings.Contains(shown(m.Content), "Voorstel 1 is gedeeld") {
			answers++
		}
	}
	if answers != 1 {
		t.Errorf("the proposal was answered %d times, want once:\n%s", answers, s.transcript(dm))
	}
}
