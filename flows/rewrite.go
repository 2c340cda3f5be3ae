package flows

import (
	"errors"
	"fmt"
)

// Rewrite replaces some events of a process's log in place: the one way the
// log changes other than by appending. It exists for erasure (a person's
// /forget pseudonymises the events that name them); nothing else rewrites
// history. A store applies it in one atomic step, only if the log is still
// at Expected: it replaces Events, appends Marker as the event after
// Expected, and writes Snapshot as the state after the marker, since the
// old snapshot folded the events as they were. The marker (a LogRewritten
// event) moves the version on, so that whoever holds a fold of the old
// events sees that the log changed under it, and no commit based on it
// can succeed.
type Rewrite struct {
	Process string
	// Expected is the version the log must be at; a store returns a
	// *ConflictError otherwise and writes nothing.
	Expected int64
	// Events are the new encodings, by version (each in 1..Expected).
	Events map[int64][]byte
	// Marker is the encoded LogRewritten event, version Expected+1.
	Marker []byte
	// Snapshot is the encoded state at Expected+1, folded from the
	// rewritten log and the marker.
	Snapshot []byte
}

// Validate reports a malformed rewrite (a programming error).
func (r *Rewrite) Validate() error {
	switch {
	case r.Process == "":
		return errors.New("rewrite without process")
	case r.Expected < 1:
		return fmt.Errorf("rewrite of %s at version %d", r.Process, r.Expected)
	case len(r.Events) == 0:
		return fmt.Errorf("rewrite of %s without events", r.Process)
	case r.Snapshot == nil:
		return fmt.Errorf("rewrite of %s without snapshot", r.Process)
	case r.Marker == nil:
		return fmt.Errorf("rewrite of %s without marker", r.Process)
	}
	for v, e := range r.Events {
		if v < 1 || v > r.Expected {
			return fmt.Errorf("rewrite of %s: version %d outside 1..%d", r.Process, v, r.Expected)
		}
		if e == nil {
			return fmt.Errorf("rewrite of %s: event %d is nil", r.Process, v)
		}
	}
	return nil
}

// LogRewritten marks where a log was rewritten (see Rewrite). It changes
// nothing in the state.
type LogRewritten struct{}

func (*LogRewritten) EventType() string      { return "log_rewritten" }
func (*LogRewritten) apply(*Process, *Event) {}
