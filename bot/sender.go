package bot

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/samen-bot/samen/flows"
)

// Transport delivers rendered messages on one platform. Adapters implement
// it and own their platform's limits: length, escaping, rate limits.
type Transport interface {
	// Deliver sends m (or, when m.EditID is set, edits that message) and
	// returns the platform's id of the message. It returns a *RetryLater to
	// be asked again later, or an error wrapping ErrUndeliverable when the
	// message can never be delivered (the person blocked the bot).
	Deliver(ctx context.Context, m OutMessage) (messageID string, err error)
}

// ErrUndeliverable marks a message that retrying will not deliver.
var ErrUndeliverable = errors.New("undeliverable")

// RetryLater asks the sender to try a chat again after a while (a rate limit).
type RetryLater struct{ After time.Duration }

func (e *RetryLater) Error() string { return fmt.Sprintf("retry after %v", e.After) }

// SenderStore is what the sender needs from the store.
type SenderStore interface {
	Outbox
	Indexes
	Leases
}

// Sender sends each process's outbox, in order per chat, and marks each
// entry sent only after the platform accepted it: a crash sends an entry
// again rather than losing it.
type Sender struct {
	store      SenderStore
	render     *Renderer
	transports map[string]Transport
	log        *slog.Logger
	observe    Observer
	wake       chan struct{}
	// id names this sender as the holder of the outbox leases: instances
	// sharing a store send each process's outbox one at a time.
	id string
	// flushing lets one flush at a time read and send an outbox: Run and
	// a caller's FlushAll (the playground's, after each action) would
	// otherwise both send the entries pending when they started.
	flushing sync.Mutex

	mu      sync.Mutex
	retryAt time.Time // the earliest a waiting chat asked to be tried again
}

// NewSender returns a sender that delivers through transports, keyed by
// platform prefix ("tg", "dc", "sim").
func NewSender(store SenderStore, render *Renderer, transports map[string]Transport, log *slog.Logger, opts ...SenderOption) *Sender {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Sender{store: store, render: render, transports: transports, log: log, observe: noObserver{}, wake: make(chan struct{}, 1), id: "sender-" + rand.Text()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Idle and retry pauses of Run.
const (
	// senderIdle is how often Run looks for outboxes nobody woke it for
	// (written by another instance sharing the store).
	senderIdle = 5 * time.Second
	// senderRetry is how soon Run tries again a chat whose send failed
	// without saying when.
	senderRetry = time.Second
	// sendLease is how long a sender holds a process's outbox without
	// renewing it. The holder renews it after a third of it; if the holder
	// dies, another instance takes the outbox over after it.
	sendLease = 30 * time.Second
)

func sendLeaseName(process string) string { return "send:" + process }

// Wake asks Run to flush now: a commit queued messages.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default: // a flush is already due
	}
}

// Run sends every outbox until ctx ends: when woken, when a chat that had to
// wait (a rate limit, a failed send) may be tried again, and every
// senderIdle. It returns ctx's error.
func (s *Sender) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.wake:
		case <-timer.C:
		}
		if err := s.FlushAll(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "flush outboxes failed", "err", err)
			s.noteRetry(time.Now().Add(senderRetry))
		}
		next := senderIdle
		s.mu.Lock()
		if !s.retryAt.IsZero() {
			next = max(0, time.Until(s.retryAt))
			s.retryAt = time.Time{}
		}
		s.mu.Unlock()
		timer.Reset(next)
	}
}

// noteRetry remembers that a chat may be tried again at t.
func (s *Sender) noteRetry(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.retryAt.IsZero() || t.Before(s.retryAt) {
		s.retryAt = t
	}
}

const outboxBatch = 100

// Flush sends what is pending for process until its outbox is empty or
// every chat with pending messages has to wait. It reports how many
// entries it completed.
//
// Only the holder of the process's send lease sends: two instances sharing
// a store would otherwise both send the entries pending when they looked.
// If another sender holds it, Flush sends nothing and tries again later.
func (s *Sender) Flush(ctx context.Context, process string) (int, error) {
	s.flushing.Lock()
	defer s.flushing.Unlock()
	lease := &outboxLease{s: s, name: sendLeaseName(process)}
	if ok, err := lease.renew(ctx); err != nil || !ok {
		if err == nil {
			s.noteRetry(time.Now().Add(senderRetry)) // another instance is sending it
		}
		return 0, err
	}
	defer lease.release(ctx)
	done := 0
	for {
		entries, err := s.store.PendingOutbox(ctx, process, outboxBatch)
		if err != nil {
			return done, fmt.Errorf("read outbox of %s: %w", process, err)
		}
		if len(entries) == 0 {
			return done, nil
		}
		n, err := s.sendBatch(ctx, process, entries, lease)
		done += n
		if err != nil || n == 0 {
			return done, err
		}
	}
}

func (s *Sender) sendBatch(ctx context.Context, process string, entries []flows.OutboxEntry, lease *outboxLease) (int, error) {
	bodies := make([]outboxBody, len(entries))
	lastEdit := map[string]int64{}
	for i, e := range entries {
		if err := json.Unmarshal(e.Body, &bodies[i]); err != nil {
			return 0, fmt.Errorf("decode outbox entry %d of %s: %w", e.Seq, process, err)
		}
		if m := bodies[i].Message; m.Edit {
			lastEdit[m.Ref] = e.Seq
		}
	}
	waiting := map[string]bool{}
	done := 0
	for i, e := range entries {
		if waiting[e.Chat] {
			continue
		}
		m := bodies[i].Message
		if m.Edit && lastEdit[m.Ref] != e.Seq {
			// A later edit of the same message is pending: it carries the
			// newer text, so this one need not be sent.
			if err := s.store.MarkSent(ctx, flows.Sent{Process: process, Seq: e.Seq}); err != nil {
				return done, err
			}
			done++
			continue
		}
		if !lease.fresh() {
			ok, err := lease.renew(ctx)
			if err != nil {
				return done, err
			}
			if !ok {
				// Held too long without renewing (a stall): another
				// instance took the outbox over.
				s.log.WarnContext(ctx, "outbox taken over by another instance", "process", process)
				return done, nil
			}
		}
		id, err := s.deliver(ctx, process, bodies[i])
		var later *RetryLater
		switch {
		case errors.As(err, &later):
			waiting[e.Chat] = true
			s.noteRetry(time.Now().Add(later.After))
			continue
		case errors.Is(err, ErrUndeliverable):
			s.log.WarnContext(ctx, "message undeliverable, dropped", "process", process, "chat", logDest(e.Chat), "seq", e.Seq, "err", err)
		case err != nil:
			s.log.WarnContext(ctx, "send failed, will retry", "process", process, "chat", logDest(e.Chat), "seq", e.Seq, "err", err)
			waiting[e.Chat] = true
			s.noteRetry(time.Now().Add(senderRetry))
			continue
		}
		if err := s.store.MarkSent(ctx, flows.Sent{Process: process, Seq: e.Seq, Ref: m.Ref, MessageID: id}); err != nil {
			return done, fmt.Errorf("mark %s/%d sent: %w", process, e.Seq, err)
		}
		if m.Ref != "" && !m.Edit && id != "" {
			// Replies name the platform's message; remember what it was.
			if err := s.store.SetIndex(ctx, messageKey(m.To, id), process+" "+m.Ref); err != nil {
				s.log.WarnContext(ctx, "remember sent message failed", "process", process, "err", err)
			}
		}
		done++
	}
	return done, nil
}

func (s *Sender) deliver(ctx context.Context, process string, body outboxBody) (string, error) {
	m := body.Message
	dest := string(m.To.Chat)
	lang := body.Lang
	if m.To.User != "" {
		dest = string(m.To.User)
		if l, err := s.store.Index(ctx, langKey(m.To.User)); err == nil {
			lang = flows.PersonalLocale(l, body.Lang)
		}
	}
	t := s.transports[flows.Platform(dest)]
	if t == nil {
		return "", fmt.Errorf("no transport for %s: %w", flows.Platform(dest), ErrUndeliverable)
	}
	text, buttons := s.render.Message(&m, lang)
	out := OutMessage{Chat: string(m.To.Chat), User: string(m.To.User), Text: text, Buttons: buttons, Ref: m.Ref}
	if m.Edit {
		id, err := s.store.MessageRef(ctx, process, m.Ref)
		switch {
		case err == nil:
			out.EditID = id
		case !errors.Is(err, flows.ErrNotFound):
			return "", err
		}
	}
	start := time.Now()
	id, err := t.Deliver(ctx, out)
	s.observe.Delivered(flows.Platform(dest), time.Since(start), err)
	return id, err
}

// FlushAll flushes every process the store lists with pending messages.
func (s *Sender) FlushAll(ctx context.Context) error {
	ids, err := s.store.OutboxProcesses(ctx, 1000)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.Flush(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// outboxLease is a sender's hold on one process's outbox.
type outboxLease struct {
	s       *Sender
	name    string
	renewed time.Time
}

// renew takes or renews the lease and reports whether the sender holds it.
func (l *outboxLease) renew(ctx context.Context) (bool, error) {
	ok, err := l.s.store.Lease(ctx, l.name, l.s.id, sendLease)
	if err != nil {
		return false, fmt.Errorf("take outbox lease: %w", err)
	}
	l.renewed = time.Now()
	return ok, nil
}

// fresh reports whether the lease was renewed less than a third of its
// term ago.
func (l *outboxLease) fresh() bool { return time.Since(l.renewed) < sendLease/3 }

// release frees the lease, even when ctx ended (a drain's deadline), so that
// another instance need not wait out the term.
func (l *outboxLease) release(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := l.s.store.ReleaseLease(ctx, l.name, l.s.id); err != nil {
		l.s.log.WarnContext(ctx, "release outbox lease failed", "err", err)
	}
}
