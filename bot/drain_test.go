package bot

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// Drain sends everything queued, waiting out a chat's rate limit, and
// stops at its deadline when a chat never becomes sendable, saying how
// many messages are left (they stay queued for the next start).
func TestDrainSendsWhatIsQueuedWithinItsBound(t *testing.T) {
	h := newHarness(t, openBolt(t))
	h.setup()
	ctx := context.Background()
	queued, err := h.sender.Pending(ctx, 100)
	if err != nil || queued == 0 {
		t.Fatalf("pending %d, %v: want messages queued by the setup", queued, err)
	}
	// Every chat is rate limited once before it takes its messages.
	var limited atomic.Int32
	seen := map[string]bool{}
	h.out.fail = func(m OutMessage) error {
		if !seen[m.Chat+m.User] {
			seen[m.Chat+m.User] = true
			limited.Add(1)
			return &RetryLater{After: 20 * time.Millisecond}
		}
		return nil
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	left, err := h.sender.Drain(dctx)
	if err != nil || left != 0 {
		t.Fatalf("drain: %d left, %v", left, err)
	}
	if got := len(h.out.take()); got < queued-int(limited.Load()) || got == 0 || limited.Load() == 0 {
		t.Errorf("delivered %d of %d queued (%d chats rate limited)", got, queued, limited.Load())
	}
	if n, _ := h.sender.Pending(ctx, 100); n != 0 {
		t.Errorf("%d still pending after the drain", n)
	}

	// A chat that never becomes sendable: Drain gives up at its bound.
	h = newHarness(t, openBolt(t))
	h.setup()
	h.out.fail = func(OutMessage) error { return &RetryLater{After: 10 * time.Millisecond} }
	start := time.Now()
	dctx, cancel = context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	left, err = h.sender.Drain(dctx)
	if !errors.Is(err, context.DeadlineExceeded) || left == 0 {
		t.Fatalf("drain of a blocked chat: %d left, %v; want some left and the deadline", left, err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("drain took %v with a 300ms bound", took)
	}
	if n, _ := h.sender.Pending(ctx, 100); n != left {
		t.Errorf("pending %d, drain said %d left", n, left)
	}
}
