package bot

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends (then it returns ctx's error): for the
// waits of retries and rate limits, which must not outlive a shutdown.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
