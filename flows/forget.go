package flows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Erasure (/forget) rewrites the events of a log that name a person, so
// that they name a pseudonym instead. What stays, and why:
//
//   - What they did stays, under the pseudonym ("oud-deelnemer 1"): that
//     they joined a group, answered, consented or objected, confirmed as a
//     representative. The groups' decisions rest on it; a consent tally
//     that changed after the fact would make the record untrustworthy.
//   - What they wrote in their own name for the conversation is erased
//     (their answers, objections, questions and reasons), since it may say
//     who they are. What became part of the plan stays: proposals and
//     amendments (the groups decided on those words) and the concerns given
//     with consent (the plan's evaluation points, shown without a name).
//   - Facilitators' texts for the process stay (prompts, syntheses, notes).
//   - Anonymous answers are untouched: nothing in the log ties them to a
//     person, so nothing ties them to the pseudonym either.
//
// The rewrite works on the events' encoding rather than on each type, so
// that an event type added later cannot be missed: every string that is
// the person's id (or an answer key made from it) becomes the pseudonym,
// wherever it is, in values and in map keys.

// Alias is what a forgotten person becomes in a process's log.
type Alias struct {
	User UserID // the pseudonym, "gone:N"
	Name string // shown where their name was
	// Erased replaces the texts they wrote (see erasedFields).
	Erased string
}

// AliasUser is the pseudonym of the n-th person forgotten in a process. It
// routes nowhere: no platform's ids look like it.
func AliasUser(n int) UserID { return UserID(fmt.Sprintf("gone:%d", n)) }

// ownerFields are the fields that say whose an object is, most specific
// first: a nomination names the nominee ("user") and who nominated ("by");
// its "name" is the nominee's.
var ownerFields = []string{"user", "author", "rep", "by"}

// nameFields hold a person's name.
var nameFields = []string{"name", "author_name"}

// erasedFields are, per event type, the fields holding what a person wrote
// in their own name.
var erasedFields = map[string][]string{
	"answer_given":           {"text", "parts"},
	"objection_raised":       {"part", "harm", "need", "notice"},
	"question_asked":         {"text"},
	"rep_objected":           {"reason"},
	"intake_answered":        {"text"},
	"turn_held":              {"text"},
	"confirmation_withdrawn": {"reason"},
}

// Pseudonymise returns the events of log that name u, rewritten to name
// as instead, by version; events that do not name u are left out. It
// fails only on an event it cannot encode or decode again.
func Pseudonymise(log []Event, u UserID, as Alias) (map[int64]Event, error) {
	out := map[int64]Event{}
	for _, e := range log {
		w := eventWalk{find: u, alias: &as}
		changed, err := w.rewrite(e)
		if err != nil {
			return nil, err
		}
		if w.found {
			out[e.Version] = changed
		}
	}
	return out, nil
}

// Names reports whether e names u anywhere (as actor, in a field, in an
// answer key or a map key).
func Names(e Event, u UserID) bool {
	w := eventWalk{find: u}
	_, err := w.rewrite(e)
	return err == nil && w.found
}

// eventWalk looks for find in one event's encoding and, given an alias,
// rewrites what it finds.
type eventWalk struct {
	find  UserID
	alias *Alias
	typ   string
	found bool
}

func (w *eventWalk) rewrite(e Event) (Event, error) {
	raw, err := json.Marshal(e)
	if err != nil {
		return Event{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // numbers come back exactly as they were
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return Event{}, fmt.Errorf("pseudonymise event %d: %w", e.Version, err)
	}
	w.typ, _ = top["type"].(string)
	owner, _ := top["actor"].(string)
	if a, ok := top["actor"].(string); ok {
		top["actor"] = w.id(a)
	}
	top["data"] = w.walk(top["data"], owner)
	if !w.found || w.alias == nil {
		return e, nil
	}
	raw, err = json.Marshal(top)
	if err != nil {
		return Event{}, fmt.Errorf("pseudonymise event %d: %w", e.Version, err)
	}
	var out Event
	if err := json.Unmarshal(raw, &out); err != nil {
		return Event{}, fmt.Errorf("pseudonymise event %d: %w", e.Version, err)
	}
	return out, nil
}

// walk rewrites one value; owner is whose the enclosing object is.
func (w *eventWalk) walk(v any, owner string) any {
	switch v := v.(type) {
	case string:
		return w.id(v)
	case []any:
		for i := range v {
			v[i] = w.walk(v[i], owner)
		}
		return v
	case map[string]any:
		for _, f := range ownerFields {
			if s, ok := v[f].(string); ok && s != "" {
				owner = s
				break
			}
		}
		mine := owner == string(w.find)
		for _, k := range slices.Sorted(maps.Keys(v)) {
			val := v[k]
			if mine && w.alias != nil {
				switch {
				case slices.Contains(nameFields, k):
					if s, ok := val.(string); ok && s != "" {
						val = w.alias.Name
					}
				case slices.Contains(erasedFields[w.typ], k):
					val = w.erase(val)
				}
			}
			val = w.walk(val, owner)
			if nk := w.id(k); nk != k {
				delete(v, k)
				k = nk
			}
			v[k] = val
		}
		return v
	}
	return v
}

// id returns s with the person's id, or an answer key made from it,
// replaced by the alias's; it notes whether it found one.
func (w *eventWalk) id(s string) string {
	var as UserID
	if w.alias != nil {
		as = w.alias.User
	}
	switch s {
	case string(w.find):
		w.found = true
		if w.alias != nil {
			return string(as)
		}
	case namedKey(w.find):
		w.found = true
		if w.alias != nil {
			return namedKey(as)
		}
	}
	return s
}

// erase replaces a text, or each text of a list, with the alias's marker.
func (w *eventWalk) erase(v any) any {
	switch v := v.(type) {
	case string:
		if v == "" {
			return v
		}
		return w.alias.Erased
	case []any:
		for i := range v {
			v[i] = w.erase(v[i])
		}
	}
	return v
}
