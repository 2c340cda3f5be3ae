package flows

import (
	"encoding/json"
	"fmt"
	"time"
)

// EncodeSnapshot encodes the state; DecodeSnapshot reverses it exactly, so
// that loading a snapshot and folding the events after it gives the same
// state as folding the whole log.
func EncodeSnapshot(p *Process) ([]byte, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode snapshot of %s: %w", p.ID, err)
	}
	return b, nil
}

// DecodeSnapshot decodes a state written by EncodeSnapshot.
func DecodeSnapshot(b []byte) (*Process, error) {
	var p Process
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("decode snapshot: %w", err)
	}
	p.normalize()
	return &p, nil
}

// normalize gives every map a value, as the fold does, since empty maps are
// left out of the encoding.
func (p *Process) normalize() {
	if p.Set == nil {
		p.Set = map[string]string{}
	}
	if p.Facilitators == nil {
		p.Facilitators = map[UserID]*Facilitator{}
	}
	if p.Members == nil {
		p.Members = map[UserID]*Member{}
	}
	for _, r := range p.Rounds {
		if r.Answers == nil {
			r.Answers = map[string]*Answer{}
		}
		if r.Passes == nil {
			r.Passes = map[string]GroupID{}
		}
		if r.Votes == nil {
			r.Votes = map[UserID]*Vote{}
		}
		if r.Decisions == nil {
			r.Decisions = map[GroupID]*GroupDecision{}
		}
		if r.Extended == nil {
			r.Extended = map[GroupID]time.Time{}
		}
	}
}

// Replay folds encoded events into p (an empty Process to start from the
// beginning).
func Replay(p *Process, events [][]byte) error {
	for _, raw := range events {
		var e Event
		if err := json.Unmarshal(raw, &e); err != nil {
			return err
		}
		if e.Version != p.Version+1 {
			return fmt.Errorf("replay %s: event %d follows version %d", p.ID, e.Version, p.Version)
		}
		p.Apply(&e)
	}
	return nil
}
