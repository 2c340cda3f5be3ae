package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/samen-bot/samen/flows"
)

// Observer is told what the bot core does, for metrics (cmd/samen connects
// it to Prometheus). It never gets user or chat ids: a platform ("tg",
// "dc", "web") and a kind are all. Its methods must be quick and safe for
// concurrent use.
type Observer interface {
	// Handled: an update of kind (command, button, form or text) from
	// platform was handled in d.
	Handled(platform, kind string, d time.Duration)
	// Delivered: one message to platform was handed to it in d; err is
	// what Deliver returned.
	Delivered(platform string, d time.Duration, err error)
}

type noObserver struct{}

func (noObserver) Handled(string, string, time.Duration)  {}
func (noObserver) Delivered(string, time.Duration, error) {}

// updateKind names what an update is, for metrics.
func updateKind(u *Update) string {
	switch {
	case u.Button != nil && len(u.Fields) > 0:
		return "form"
	case u.Button != nil:
		return "button"
	case len(u.Text) > 0 && u.Text[0] == '/':
		return "command"
	}
	return "text"
}

// SenderOption changes a Sender.
type SenderOption func(*Sender)

// WithObserver has the sender tell o how each delivery went.
func WithObserver(o Observer) SenderOption {
	return func(s *Sender) {
		if o != nil {
			s.observe = o
		}
	}
}

// Pending counts the messages waiting in every outbox, up to limit per
// process and limit processes (a sample for metrics, not an exact count).
func (s *Sender) Pending(ctx context.Context, limit int) (int, error) {
	ids, err := s.store.OutboxProcesses(ctx, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		entries, err := s.store.PendingOutbox(ctx, id, limit)
		if err != nil {
			return n, err
		}
		n += len(entries)
	}
	return n, nil
}

// Drain sends what is pending until every outbox is empty or ctx ends, for
// a graceful shutdown: call it with a deadline after Run returned. A chat
// that has to wait (a rate limit) is tried again when it may, within ctx.
// It returns how many messages are left (-1 if that could not be read) and
// ctx's error if they did not all go.
func (s *Sender) Drain(ctx context.Context) (left int, err error) {
	for {
		if err := s.FlushAll(ctx); err != nil && ctx.Err() == nil {
			s.noteRetry(time.Now().Add(senderRetry))
		}
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		left, perr := s.Pending(pctx, outboxBatch)
		cancel()
		if perr != nil {
			return -1, fmt.Errorf("drain: %w", perr)
		}
		if left == 0 {
			return 0, nil
		}
		wait := senderRetry
		s.mu.Lock()
		if !s.retryAt.IsZero() {
			wait = max(0, time.Until(s.retryAt))
			s.retryAt = time.Time{}
		}
		s.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return left, fmt.Errorf("drain: %d messages left: %w", left, ctx.Err())
		case <-t.C:
		}
	}
}

// ActiveProcesses counts the processes with an open round.
func (b *Bot) ActiveProcesses(ctx context.Context) (int, error) {
	ids, err := b.store.Processes(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		p, err := b.load(ctx, id)
		if errors.Is(err, flows.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		if len(p.OpenRounds()) > 0 {
			n++
		}
	}
	return n, nil
}

// logChat is a chat id for the log: a group's, never a private chat's (on
// Telegram that is the person's user id).
func logChat(u *Update) string {
	if u == nil || u.Chat.Private {
		return "private"
	}
	return string(u.Chat.ID)
}

// logDest is an outbox entry's destination for the log: a group chat's id,
// never a person's.
func logDest(chat string) string {
	if c, ok := strings.CutPrefix(chat, "chat:"); ok {
		return c
	}
	return "private"
}
