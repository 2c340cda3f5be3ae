package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/samen-bot/samen/flows"
)

// SweepEvery is how often RunTimers sweeps every process (Sweep).
const SweepEvery = time.Hour

// Sweep goes over every process once: it finishes erasures a crash
// interrupted (a person who asked to be forgotten is still named in the
// log) and applies the retention rule (Config.Retention). It returns how
// many processes it deleted. A failure in one process is logged and the
// sweep goes on; the next sweep tries again.
func (b *Bot) Sweep(ctx context.Context) (int, error) {
	ids, err := b.store.Processes(ctx)
	if err != nil {
		return 0, fmt.Errorf("list processes: %w", err)
	}
	purged := 0
	for _, id := range ids {
		done, err := b.sweep(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return purged, ctx.Err()
			}
			b.log.ErrorContext(ctx, "sweep failed", "process", id, "err", err)
		}
		if done {
			purged++
		}
	}
	return purged, nil
}

func (b *Bot) sweep(ctx context.Context, id string) (purged bool, err error) {
	p, err := b.load(ctx, id)
	if errors.Is(err, flows.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, u := range p.Erasing {
		if err := b.finishErasure(ctx, id, u); err != nil {
			return false, err
		}
	}
	switch b.retention.Step(p, b.now()) {
	case flows.RetentionNotify:
		// The key is the date it announces: told once however many
		// instances sweep, and again only for a later date.
		at := b.retention.PurgeAt(p)
		key := "retention:" + id + ":" + at.UTC().Format(time.RFC3339)
		req := &Request{Update: &Update{Key: key}, ProcessLang: p.Locale()}
		_, err := b.run(ctx, req, id, flows.RetentionNotice{Rule: b.retention})
		return false, err
	case flows.RetentionPurge:
		return true, b.purge(ctx, p)
	}
	return false, nil
}

// purge deletes a process for the retention rule: first every index entry
// that leads to it (so that nothing finds a half-deleted process), then the
// process itself. Run again after a failure, it finishes the job.
func (b *Bot) purge(ctx context.Context, p *flows.Process) error {
	events, err := b.events(ctx, p)
	if err != nil {
		return err
	}
	chats := []flows.ChatID{p.Joint}
	for _, g := range p.Groups {
		chats = append(chats, g.Chat)
	}
	for _, c := range chats {
		if c == "" {
			continue
		}
		if err := b.deleteIndexIf(ctx, chatKey(c), func(v string) bool { return strings.HasPrefix(v, p.ID+"/") }); err != nil {
			return err
		}
	}
	for hash := range p.Codes {
		if err := b.deleteIndexIf(ctx, codeKey(hash), func(v string) bool { return v == p.ID }); err != nil {
			return err
		}
	}
	for u := range peopleOf(events) {
		for _, key := range []string{userProcessesKey(u), loggedKey(u)} {
			if err := b.store.RemoveFromSet(ctx, key, p.ID); err != nil {
				return fmt.Errorf("purge %s: %w", p.ID, err)
			}
		}
		if err := b.deleteIndexIf(ctx, currentKey(u), func(v string) bool { return v == p.ID }); err != nil {
			return err
		}
	}
	if err := b.store.DeleteProcess(ctx, p.ID); err != nil {
		return fmt.Errorf("purge %s: %w", p.ID, err)
	}
	b.log.InfoContext(ctx, "process deleted after its retention period", "process", p.ID,
		"last_active", p.LastActive, "retention_days", int(b.retention.After/(24*time.Hour)))
	return nil
}

// deleteIndexIf deletes key if its value passes keep.
func (b *Bot) deleteIndexIf(ctx context.Context, key string, match func(string) bool) error {
	v, err := b.store.Index(ctx, key)
	if errors.Is(err, flows.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	if !match(v) {
		return nil
	}
	if err := b.store.DeleteIndex(ctx, key); err != nil {
		return fmt.Errorf("delete index: %w", err)
	}
	return nil
}

// peopleOf lists everyone who ever took part in a log: who created it,
// joined a group or became facilitator (also those who left since).
func peopleOf(events []flows.Event) map[flows.UserID]bool {
	people := map[flows.UserID]bool{}
	for _, e := range events {
		switch ev := e.Data.(type) {
		case *flows.ProcessCreated:
			people[e.Actor] = true
		case *flows.MemberJoined:
			people[ev.User] = true
		case *flows.FacilitatorAdded:
			people[ev.User] = true
		}
	}
	return people
}
