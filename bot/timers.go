package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/samen-bot/samen/flows"
)

// RunDue does what is due now in every process (closing rounds at their
// deadline, sending reminders). Each due item is stored under a key derived
// from it, so that it happens once however many instances run it.
func (b *Bot) RunDue(ctx context.Context) (int, error) {
	due, err := b.store.Due(ctx, b.now(), 100)
	if err != nil {
		return 0, fmt.Errorf("list due processes: %w", err)
	}
	fired := 0
	for _, d := range due {
		n, err := b.tick(ctx, d.Process)
		fired += n
		if err != nil {
			b.log.ErrorContext(ctx, "timer failed", "process", d.Process, "err", err)
		}
	}
	return fired, nil
}

// RunTimers runs RunDue every interval, and Sweep at the first interval
// and then, with a retention rule, every SweepEvery (by the bot's clock),
// until ctx ends, and returns ctx's error.
func (b *Bot) RunTimers(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	var swept time.Time
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			if _, err := b.RunDue(ctx); err != nil && ctx.Err() == nil {
				b.log.ErrorContext(ctx, "timers failed", "err", err)
			}
			// Without a retention rule only erasures cut short by a
			// crash need sweeping: once, at the start.
			if now := b.now(); swept.IsZero() || (b.retention.After > 0 && now.Sub(swept) >= SweepEvery) {
				swept = now
				if _, err := b.Sweep(ctx); err != nil && ctx.Err() == nil {
					b.log.ErrorContext(ctx, "sweep failed", "err", err)
				}
			}
		}
	}
}

// tick does everything due in one process, one item at a time.
func (b *Bot) tick(ctx context.Context, id string) (int, error) {
	defer b.locks.lock(id)()
	fired := 0
	for range 100 {
		p, err := b.latest(ctx, id)
		if err != nil {
			return fired, err
		}
		env := b.env("")
		item, ok := p.Due(env)
		if !ok {
			b.cache.give(p)
			return fired, nil
		}
		updateKey := "timer:" + id + ":" + item
		req := &Request{Update: &Update{Key: updateKey}, ProcessLang: p.Locale()}
		_, err = b.decideAndStore(ctx, req, p, flows.Tick{}, b.commitKey(updateKey))
		if errors.Is(err, flows.ErrVersionConflict) {
			continue
		}
		if err != nil {
			return fired, err
		}
		fired++
	}
	return fired, fmt.Errorf("process %s: still due after 100 timer steps", id)
}
