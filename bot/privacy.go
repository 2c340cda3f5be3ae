package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samen-bot/samen/flows"
)

// Privacy: /mydata shows a person everything Samen keeps about them, and
// /forget erases it (flows/forget.go says what erasure keeps, and why).

// loggedKey names the set of processes whose logs name a person: unlike
// userProcessesKey it keeps a process after they leave it, since the log
// still holds what they did there.
func loggedKey(u flows.UserID) string { return "user:" + string(u) + ":logged" }

// processesNaming returns the processes whose logs may name u, loaded and
// in creation order (a purged one is skipped).
func (b *Bot) processesNaming(ctx context.Context, u flows.UserID) ([]*flows.Process, error) {
	var ids []string
	for _, key := range []string{userProcessesKey(u), loggedKey(u)} {
		members, err := b.store.SetMembers(ctx, key)
		if err != nil {
			return nil, fmt.Errorf("list processes of a person: %w", err)
		}
		ids = append(ids, members...)
	}
	slices.Sort(ids)
	var out []*flows.Process
	for _, id := range slices.Compact(ids) {
		p, err := b.load(ctx, id)
		if errors.Is(err, flows.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(x, y *flows.Process) int { return x.Created.Compare(y.Created) })
	return out, nil
}

// settingsOf returns the per-person values kept outside any process.
func (b *Bot) settingsOf(ctx context.Context, u flows.UserID) (map[string]string, error) {
	out := map[string]string{}
	for name, key := range map[string]string{"language": langKey(u), "current_process": currentKey(u)} {
		v, err := b.store.Index(ctx, key)
		if errors.Is(err, flows.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read a person's settings: %w", err)
		}
		out[name] = v
	}
	return out, nil
}

// myData is the file /mydata sends.
type myData struct {
	User      flows.UserID      `json:"user"`
	Settings  map[string]string `json:"settings,omitempty"`
	Processes []myProcess       `json:"processes"`
	Note      string            `json:"note"`
}

type myProcess struct {
	Process string                `json:"process"`
	Title   string                `json:"title"`
	Role    string                `json:"role"`
	Group   string                `json:"group,omitempty"`
	Name    string                `json:"name,omitempty"`
	Since   time.Time             `json:"since,omitzero"`
	Events  []flows.PersonalEvent `json:"events"`
}

const myDataNote = "Anonymous answers are not listed: Samen keeps them without your name, so nothing links them to you."

// mydata is /mydata: privately, what Samen keeps about the person, as a
// summary and as a JSON file with every event of theirs.
func (b *Bot) mydata(ctx context.Context, req *Request) (*flows.Message, error) {
	u := req.Update.User
	procs, err := b.processesNaming(ctx, u)
	if err != nil {
		return nil, err
	}
	settings, err := b.settingsOf(ctx, u)
	if err != nil {
		return nil, err
	}
	data := myData{User: u, Settings: settings, Processes: []myProcess{}, Note: myDataNote}
	lines := []flows.Line{flows.L(flows.MsgMyDataHeader)}
	for _, p := range procs {
		events, err := b.events(ctx, p)
		if err != nil {
			return nil, err
		}
		personal, err := flows.PersonalEvents(events, u)
		if err != nil {
			return nil, fmt.Errorf("personal data in %s: %w", p.ID, err)
		}
		if len(personal) == 0 {
			continue
		}
		mp := myProcess{Process: p.ID, Title: p.Title, Role: "former", Events: personal}
		switch {
		case p.Facilitators[u] != nil:
			f := p.Facilitators[u]
			mp.Role, mp.Name, mp.Since = "facilitator", f.Name, f.Since
			lines = append(lines, flows.L(flows.MsgMyDataFacilitator, "title", p.Title, "name", f.Name, "since", flows.Zoned{T: f.Since, Zone: p.TimeZone()}))
		case p.Members[u] != nil:
			m := p.Members[u]
			mp.Role, mp.Group, mp.Name, mp.Since = "member", p.Group(m.Group).Name, m.Name, m.Since
			lines = append(lines, flows.L(flows.MsgMyDataMember, "title", p.Title, "group", mp.Group, "name", m.Name, "since", flows.Zoned{T: m.Since, Zone: p.TimeZone()}))
		default:
			lines = append(lines, flows.L(flows.MsgMyDataFormer, "title", p.Title))
		}
		lines = append(lines, flows.L(flows.MsgMyDataEvents, "events", len(personal)))
		data.Processes = append(data.Processes, mp)
	}
	if lang := settings["language"]; lang != "" {
		lines = append(lines, flows.L(flows.MsgMyDataLanguage, "lang", lang))
	}
	if len(data.Processes) == 0 && len(settings) == 0 {
		return &flows.Message{Private: true, Lines: []flows.Line{flows.L(flows.MsgMyDataNone)}}, nil
	}
	raw, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode personal data: %w", err)
	}
	req.file = &File{Name: "mydata.json", Type: "application/json", Data: raw}
	lines = append(lines, flows.L(flows.MsgMyDataFooter))
	return &flows.Message{Private: true, Lines: lines}, nil
}

// forget is /forget: it explains, privately, what forgetting means, with a
// button to go ahead. Nothing changes until the button is pressed.
func (b *Bot) forget(ctx context.Context, req *Request) (*flows.Message, error) {
	u := req.Update.User
	procs, err := b.processesNaming(ctx, u)
	if err != nil {
		return nil, err
	}
	if err := refuseSoleFacilitator(procs, u); err != nil {
		return nil, err
	}
	settings, err := b.settingsOf(ctx, u)
	if err != nil {
		return nil, err
	}
	button := []flows.Button{{Label: flows.L(flows.BtnForget), Intent: flows.Intent{Do: flows.DoForget}}}
	switch {
	case len(procs) > 0:
		return &flows.Message{Private: true, Lines: []flows.Line{flows.L(flows.MsgForgetAsk, "titles", titles(procs))}, Buttons: [][]flows.Button{button}}, nil
	case len(settings) > 0:
		return &flows.Message{Private: true, Lines: []flows.Line{flows.L(flows.MsgForgetAskSettings)}, Buttons: [][]flows.Button{button}}, nil
	}
	return &flows.Message{Private: true, Lines: []flows.Line{flows.L(flows.MsgForgetNothing)}}, nil
}

// refuseSoleFacilitator refuses to forget the only facilitator of a
// process: nobody would be left to steer it.
func refuseSoleFacilitator(procs []*flows.Process, u flows.UserID) error {
	for _, p := range procs {
		if p.IsFacilitator(u) && len(p.Facilitators) == 1 {
			return flows.Refuse(flows.ErrForgetSoleFacilitator, "title", p.Title)
		}
	}
	return nil
}

func titles(procs []*flows.Process) string {
	var out []string
	for _, p := range procs {
		out = append(out, p.Title)
	}
	return strings.Join(out, ", ")
}

// forgetConfirmed is the button under /forget's explanation: in each
// process the person leaves and is recorded as forgotten (flows.Forget),
// then the log is rewritten to name their alias; last, their settings and
// index entries go. Each step can be repeated: a crash part-way leaves the
// process listing them as Erasing, and Sweep finishes it.
func (b *Bot) forgetConfirmed(ctx context.Context, req *Request) (*flows.Message, error) {
	u := req.Update.User
	procs, err := b.processesNaming(ctx, u)
	if err != nil {
		return nil, err
	}
	if err := refuseSoleFacilitator(procs, u); err != nil {
		return nil, err
	}
	for _, p := range procs {
		lang := p.Locale()
		name := func(n int) string { return b.render.Line(flows.L(flows.MsgForgottenName, "n", n), lang).Plain() }
		_, err := b.run(ctx, req, p.ID, flows.Forget{Actor: flows.Actor{User: u, Chat: req.Update.Chat}, NameFor: name})
		if err != nil {
			return nil, err
		}
		if err := b.finishErasure(ctx, p.ID, u); err != nil {
			return nil, err
		}
		for _, key := range []string{userProcessesKey(u), loggedKey(u)} {
			if err := b.store.RemoveFromSet(ctx, key, p.ID); err != nil {
				return nil, fmt.Errorf("forget a person's processes: %w", err)
			}
		}
	}
	for _, key := range []string{langKey(u), currentKey(u)} {
		if err := b.store.DeleteIndex(ctx, key); err != nil {
			return nil, fmt.Errorf("forget a person's settings: %w", err)
		}
	}
	if err := b.store.DeleteTemp(ctx, awaitKey(u)); err != nil {
		return nil, fmt.Errorf("forget a person's pending input: %w", err)
	}
	b.rememberLanguage(u, "")
	if len(procs) == 0 {
		return &flows.Message{Private: true, Lines: []flows.Line{flows.L(flows.MsgForgetDoneSettings)}}, nil
	}
	return &flows.Message{Private: true, Lines: []flows.Line{flows.L(flows.MsgForgetDone, "titles", titles(procs))}}, nil
}

// finishErasure rewrites process id's log so that it names u's alias
// instead of u (flows.Pseudonymise). It does nothing when the log no
// longer names u.
func (b *Bot) finishErasure(ctx context.Context, id string, u flows.UserID) error {
	defer b.locks.lock(id)()
	for range maxAttempts {
		p, events, err := b.history(ctx, id)
		if err != nil {
			return err
		}
		alias, ok := aliasOf(events, u)
		if !ok {
			return fmt.Errorf("erase a person in %s: the log has no record that they asked to be forgotten", id)
		}
		alias.Erased = b.render.Line(flows.L(flows.MsgErased), p.Locale()).Plain()
		changed, err := flows.Pseudonymise(events, u, alias)
		if err != nil {
			return fmt.Errorf("erase a person in %s: %w", id, err)
		}
		if len(changed) == 0 {
			return nil
		}
		rw := flows.Rewrite{Process: id, Expected: p.Version, Events: map[int64][]byte{}}
		q := &flows.Process{}
		for i, e := range events {
			if c, ok := changed[e.Version]; ok {
				events[i] = c
				raw, err := json.Marshal(c)
				if err != nil {
					return fmt.Errorf("erase a person in %s: %w", id, err)
				}
				rw.Events[e.Version] = raw
			}
			q.Apply(&events[i])
		}
		marker := flows.Event{Version: p.Version + 1, Key: "erasure:" + string(alias.User) + "#0", At: b.now(), Data: &flows.LogRewritten{}}
		if rw.Marker, err = json.Marshal(marker); err != nil {
			return fmt.Errorf("erase a person in %s: %w", id, err)
		}
		q.Apply(&marker)
		if rw.Snapshot, err = flows.EncodeSnapshot(q); err != nil {
			return fmt.Errorf("erase a person in %s: %w", id, err)
		}
		err = b.store.RewriteLog(ctx, rw)
		if errors.Is(err, flows.ErrVersionConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("erase a person in %s: %w", id, err)
		}
		return nil
	}
	return flows.Refuse(flows.ErrBusy)
}

// aliasOf finds the alias the log gave u when they asked to be forgotten.
func aliasOf(events []flows.Event, u flows.UserID) (flows.Alias, bool) {
	for i := len(events) - 1; i >= 0; i-- {
		if f, ok := events[i].Data.(*flows.PersonForgotten); ok && f.User == u {
			return flows.Alias{User: f.Alias, Name: f.Name}, true
		}
	}
	return flows.Alias{}, false
}
