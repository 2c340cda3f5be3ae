package telegram

import (
	"errors"
	"testing"
)

// TestAClaimedUpdateIsNotOvertaken: an instance died while handling Ann's
// press (its claim stands); Bram pressed after her. Bram's press waits:
// handling never overtakes an update that is still claimed. When the dead
// instance's claim runs out (claimTerm, by the store's clock) both are
// handled, Ann's first.
func TestAClaimedUpdateIsNotOvertaken(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	a, round := consentRound(h)
	annPress := h.fake.PressButton(t, ann, a.ID, round.MessageID, "Ik stem in")
	h.fake.PressButton(t, bram, a.ID, round.MessageID, "Ik stem in")
	if ok, err := h.store.Lease(h.ctx, claimName(annPress), "tg-dead", claimTerm); err != nil || !ok {
		t.Fatalf("claim for the dead instance: %v %v", ok, err)
	}

	var err error
	if h.offset, err = h.a.pollOnce(h.ctx, h.offset, 0); !errors.Is(err, errBlocked) {
		t.Fatalf("poll with an earlier update claimed elsewhere: %v, want errBlocked", err)
	}
	if n := countEvents(h.processLog(fay), "vote_cast"); n != 0 {
		t.Fatalf("%d votes recorded while Ann's press, the first, was claimed elsewhere; want 0", n)
	}

	h.advance(claimTerm)
	h.step()
	var voters []string
	for _, e := range h.processLog(fay) {
		if e.Type == "vote_cast" {
			voters = append(voters, e.Actor)
		}
	}
	if want := []string{string(userID(ann.ID)), string(userID(bram.ID))}; len(voters) != 2 || voters[0] != want[0] || voters[1] != want[1] {
		t.Errorf("votes recorded by %v, want %v (Ann's press came first)", voters, want)
	}
}
