package flows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// PersonalEvent is one event of a log as /mydata shows it to the person it
// is about.
type PersonalEvent struct {
	Version int64           `json:"version"`
	Type    string          `json:"type"`
	At      string          `json:"at,omitempty"`
	Mine    bool            `json:"mine"` // they did it (rather than it being about them)
	Data    json.RawMessage `json:"data"`
}

// PersonalEvents returns the events of log that name u, for u to see: other
// people's ids are replaced by "someone", and anonymous keys and
// pseudonyms are left out, so that the copy ties nobody to anything (a
// round's closing lists every answer's key, u's among them).
func PersonalEvents(log []Event, u UserID) ([]PersonalEvent, error) {
	others := peopleIn(log)
	delete(others, u)
	var out []PersonalEvent
	for _, e := range log {
		if !Names(e, u) {
			continue
		}
		raw, err := json.Marshal(e.Data)
		if err != nil {
			return nil, fmt.Errorf("personal copy of event %d: %w", e.Version, err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var data any
		if err := dec.Decode(&data); err != nil {
			return nil, fmt.Errorf("personal copy of event %d: %w", e.Version, err)
		}
		data = redactOthers(data, others)
		if raw, err = json.Marshal(data); err != nil {
			return nil, fmt.Errorf("personal copy of event %d: %w", e.Version, err)
		}
		pe := PersonalEvent{Version: e.Version, Type: e.Data.EventType(), Mine: e.Actor == u, Data: raw}
		if !e.At.IsZero() {
			pe.At = e.At.UTC().Format("2006-01-02T15:04:05Z")
		}
		out = append(out, pe)
	}
	return out, nil
}

// someone stands for another person in a personal copy.
const someone = "someone"

// peopleIn lists everyone a log knows by id: actors and the owners of
// objects (ownerFields), whoever they are.
func peopleIn(log []Event) map[UserID]bool {
	people := map[UserID]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && s != "" && isOwnerField(k) {
					people[UserID(s)] = true
				}
				walk(x)
			}
		}
	}
	for _, e := range log {
		if e.Actor != "" {
			people[e.Actor] = true
		}
		raw, err := json.Marshal(e.Data)
		if err != nil {
			continue
		}
		var data any
		if json.Unmarshal(raw, &data) == nil {
			walk(data)
		}
	}
	return people
}

func isOwnerField(k string) bool { return slices.Contains(ownerFields, k) }

// redactOthers replaces other people's ids, their answer keys and every
// anonymous key or pseudonym.
func redactOthers(v any, others map[UserID]bool) any {
	str := func(s string) string {
		switch {
		case others[UserID(s)]:
			return someone
		case strings.HasPrefix(s, "u:") && others[UserID(s[2:])]:
			return "u:" + someone
		case strings.HasPrefix(s, "a:"):
			return "a:"
		}
		return s
	}
	switch v := v.(type) {
	case string:
		return str(v)
	case []any:
		for i := range v {
			v[i] = redactOthers(v[i], others)
		}
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if k == "pseudonym" {
				continue
			}
			out[str(k)] = redactOthers(x, others)
		}
		return out
	}
	return v
}
