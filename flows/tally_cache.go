package flows

import "slices"

// Tallies of consent rounds are kept per round and group between events,
// so that a vote costs the same in a group of thousands as in one of ten:
// a vote (VoteCast) updates its group's tally in place; any other event
// drops them all, to be counted afresh when next asked for (joining,
// leaving, renaming, objections standing or not are rare next to votes).
// The cache is derived state: not encoded in snapshots, rebuilt on demand.

type tallyKey struct {
	round int
	group GroupID
}

// dropTallies forgets every cached tally.
func (p *Process) dropTallies() { p.tallies = nil }

// cachedTally returns the tally of round r and group g, counting it if it
// is not cached. The caller gets its own copy.
func (p *Process) cachedTally(r *Round, g GroupID) Tally {
	k := tallyKey{r.N, g}
	t, ok := p.tallies[k]
	if !ok {
		t = p.countTally(r, g)
		if p.tallies == nil {
			p.tallies = map[tallyKey]Tally{}
		}
		p.tallies[k] = t
	}
	t.ConsentNames = slices.Clone(t.ConsentNames)
	t.ConcernNames = slices.Clone(t.ConcernNames)
	t.ObjNames = slices.Clone(t.ObjNames)
	return t
}

// voteChanging updates the cached tally for u's vote in round r becoming
// next. It runs before the vote is stored. When the change cannot be made
// in place (an objection, whose counting depends on its state, or a name
// shown in the list leaving it), the tally is dropped and counted afresh.
func (p *Process) voteChanging(r *Round, u UserID, next Vote) {
	m := p.Members[u]
	if m == nil {
		return
	}
	k := tallyKey{r.N, m.Group}
	t, ok := p.tallies[k]
	if !ok {
		return
	}
	counts := func(v *Vote) bool { return v != nil && v.Group == m.Group && v.Choice != "" }
	old := r.Votes[u]
	if (counts(old) && old.Choice == VoteObjection) || (counts(&next) && next.Choice == VoteObjection) {
		delete(p.tallies, k)
		return
	}
	if counts(old) {
		names := t.namesOf(old.Choice)
		i, found := slices.BinarySearchFunc(*names, m.Name, compareFold)
		full := len(*names) == MaxShownNames
		switch {
		case full && i < len(*names):
			delete(p.tallies, k) // the list would need the next name in line
			return
		case found:
			// A list that is not full holds every name: take it out.
			*names = slices.Delete(slices.Clone(*names), i, i+1)
		}
		t.Answered--
		*t.countOf(old.Choice)--
	}
	if counts(&next) {
		t.Answered++
		*t.countOf(next.Choice)++
		names := t.namesOf(next.Choice)
		*names = firstNames(slices.Clone(*names), m.Name)
	}
	p.tallies[k] = t
}

func (t *Tally) countOf(choice string) *int {
	switch choice {
	case VoteConsent:
		return &t.Consents
	case VoteConcern:
		return &t.Concerns
	}
	return &t.Objections
}

func (t *Tally) namesOf(choice string) *[]string {
	switch choice {
	case VoteConsent:
		return &t.ConsentNames
	case VoteConcern:
		return &t.ConcernNames
	}
	return &t.ObjNames
}
