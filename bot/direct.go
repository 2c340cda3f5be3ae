package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// DirectWait is how long a direct reply waits for a rate limit; a longer
// wait (a chat the platform asked to wait) is finished in the background,
// so that the updates after this one, in other chats, are not held up.
const DirectWait = 2 * time.Second

// directGiveUp bounds how long a reply finished in the background keeps
// trying.
const directGiveUp = 10 * time.Minute

// SendDirect sends a direct reply with send: the person is waiting, so it
// does not queue behind the outbox. send returns *RetryLater for a rate
// limit: a short one is waited out, a longer one is finished in the
// background (under bg, until it ends), and SendDirect returns "" at once.
// A failure the platform may get over (a 5xx, the network) is tried again
// twice; one wrapping ErrUndeliverable is returned as it is. redact cleans
// an error of secrets before it is logged.
func SendDirect(ctx, bg context.Context, log *slog.Logger, redact func(error) error, send func(context.Context) (string, error)) (string, error) {
	deadline := time.Now().Add(DirectWait)
	for failures := 0; ; {
		id, err := send(ctx)
		var later *RetryLater
		switch {
		case err == nil:
			return id, nil
		case errors.As(err, &later):
			if time.Now().Add(later.After).After(deadline) {
				go sendLater(bg, log, redact, later.After, send)
				return "", nil
			}
			if err := Sleep(ctx, max(later.After, 50*time.Millisecond)); err != nil {
				return "", err
			}
		case errors.Is(err, ErrUndeliverable), ctx.Err() != nil:
			return "", err
		default:
			if failures++; failures > 2 {
				return "", err
			}
			if err := Sleep(ctx, time.Duration(failures)*500*time.Millisecond); err != nil {
				return "", err
			}
		}
	}
}

// sendLater finishes a direct reply once the platform lets it.
func sendLater(bg context.Context, log *slog.Logger, redact func(error) error, after time.Duration, send func(context.Context) (string, error)) {
	ctx, cancel := context.WithTimeout(bg, directGiveUp)
	defer cancel()
	for {
		if Sleep(ctx, max(after, 50*time.Millisecond)) != nil {
			return
		}
		_, err := send(ctx)
		var later *RetryLater
		if !errors.As(err, &later) {
			if err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "a delayed reply failed", "err", redact(err))
			}
			return
		}
		after = later.After
	}
}
