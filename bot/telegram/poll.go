package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/samen-bot/samen/flows"
)

// allowedUpdates are the updates the bot asks for: messages (commands,
// replies, private answers), their edits, button presses, and the bot's own
// membership in chats.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

const offsetKey = "tg:offset"

var errUnauthorized = errors.New("unauthorized")

// pollLeaseName is the lease whose holder polls: Telegram answers 409 to
// one of two concurrent getUpdates.
const pollLeaseName = "tg:poller"

// maxPollBackoff bounds the wait between attempts while Telegram or the
// store fails: long enough not to hammer either, short enough that updates
// flow again soon after it is back.
const maxPollBackoff = 30 * time.Second

// nextBackoff is the wait after one more failure in a row: 1 s, doubling,
// up to maxPollBackoff.
func nextBackoff(prev time.Duration) time.Duration {
	return min(max(2*prev, time.Second), maxPollBackoff)
}

// poll polls while this instance holds the poll lease; when another
// instance holds it, it waits to take it over (when that one stops or dies
// and its lease runs out). While the store cannot be reached to take the
// lease, it backs off.
func (a *Adapter) poll(ctx context.Context) error {
	term := a.cfg.PollLease
	backoff := time.Duration(0)
	for {
		ok, err := a.store.Lease(ctx, pollLeaseName, a.id, term)
		if err == nil {
			backoff = 0
		}
		if err == nil && ok {
			a.log.InfoContext(ctx, "polling: this instance holds the poll lease")
			err = a.pollHolding(ctx)
			if ctx.Err() == nil || !a.dieHolding {
				release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				if rerr := a.store.ReleaseLease(release, pollLeaseName, a.id); rerr != nil {
					a.log.WarnContext(ctx, "release poll lease failed", "err", rerr)
				}
				cancel()
			}
			if ctx.Err() != nil || errors.Is(err, errUnauthorized) {
				if errors.Is(err, errUnauthorized) {
					return fmt.Errorf("Telegram refuses the bot token (401): check SAMEN_TELEGRAM_TOKEN with @BotFather; it may have been revoked")
				}
				return ctx.Err()
			}
			a.log.WarnContext(ctx, "polling stopped: the poll lease was lost", "err", a.redact(err))
			continue
		}
		wait := term / 3 // another instance polls: look again in a third of a term
		if err != nil && ctx.Err() == nil {
			backoff = nextBackoff(backoff)
			wait = backoff
			a.log.WarnContext(ctx, "take poll lease failed", "err", err, "retry_in", wait.String())
		}
		if err := a.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// pollHolding polls while the lease is held, renewing it every third of
// its term; it returns when ctx ends, Telegram refuses the token, or a
// renewal fails (then another instance may poll: the getUpdates in flight
// is cancelled at once).
func (a *Adapter) pollHolding(ctx context.Context) error {
	held, lost := context.WithCancelCause(ctx)
	defer lost(nil)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		term := a.cfg.PollLease
		t := time.NewTicker(term / 3)
		defer t.Stop()
		for {
			select {
			case <-held.Done():
				return
			case <-t.C:
			}
			ok, err := a.store.Lease(held, pollLeaseName, a.id, term)
			switch {
			case err != nil:
				lost(fmt.Errorf("renew poll lease: %w", err))
				return
			case !ok:
				lost(errors.New("another instance holds the poll lease"))
				return
			}
		}
	}()
	err := a.pollLoop(ctx, held)
	lost(nil)
	<-renewed
	if err == nil || errors.Is(err, context.Canceled) {
		err = context.Cause(held)
	}
	return err
}

// pollLoop is long polling with our own loop (the library's confirms updates
// before they are handled and stalls on one it cannot decode): each batch
// is stored, then confirmed by the next call's offset, then handled. It
// polls while held lasts; a batch received is stored and handled under ctx.
func (a *Adapter) pollLoop(ctx, held context.Context) error {
	// A webhook, if one was set, would make every getUpdates fail with 409.
	if _, err := a.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
		a.log.WarnContext(ctx, "delete webhook failed", "err", a.redact(err))
	}
	// Before polling: the updates a crash left stored but unhandled, and
	// where to go on from. Both are in the store, which may be failing
	// while the poll lease (another key, on another Cluster shard perhaps)
	// is not: a failure here is retried with the same backoff as a failed
	// poll, not by giving up the lease and taking it again at once, which
	// would spin (and call deleteWebhook each time).
	offset, started := int64(0), false
	backoff := time.Duration(0)
	// blocked: an earlier update is being handled by another instance (one
	// that died, as a rule: this one polls): poll briefly and look again
	// soon, rather than wait a whole long poll.
	blocked := false
	for {
		if backoff > 0 {
			if err := a.sleep(held, backoff); err != nil {
				return err
			}
		}
		var err error
		if !started {
			if err = a.drain(ctx); err == nil || errors.Is(err, errBlocked) {
				blocked = err != nil
				offset, err = a.offset(ctx)
				started = err == nil
			}
		} else {
			timeout := a.cfg.PollTimeout
			if blocked {
				timeout = min(timeout, blockedPoll)
			}
			offset, err = a.pollBatch(ctx, held, offset, timeout)
			blocked = errors.Is(err, errBlocked)
			if blocked {
				err = nil
			}
		}
		switch {
		case held.Err() != nil:
			return held.Err()
		case errors.Is(err, errUnauthorized):
			return err
		case err != nil:
			// Telegram unreachable, or the store: what was not stored is
			// not confirmed, and comes again.
			backoff = nextBackoff(backoff)
			a.log.WarnContext(ctx, "polling failed", "err", a.redact(err), "retry_in", backoff.String())
			continue
		}
		backoff = 0
	}
}

// blockedPoll is how long a getUpdates waits while stored updates wait for
// an earlier one that another instance claimed.
const blockedPoll = 2 * time.Second

// pollOnce takes one batch from offset (waiting up to timeout for it),
// stores it, moves the offset past it and handles it. It returns the next
// offset, and errBlocked (with it) when handling stopped at an update
// another instance claimed.
func (a *Adapter) pollOnce(ctx context.Context, offset int64, timeout time.Duration) (int64, error) {
	return a.pollBatch(ctx, ctx, offset, timeout)
}

// pollBatch is pollOnce with getUpdates under held: it stops waiting for
// updates when the poll lease is lost.
func (a *Adapter) pollBatch(ctx, held context.Context, offset int64, timeout time.Duration) (int64, error) {
	raws, err := a.getUpdates(held, offset, timeout)
	if err != nil {
		return offset, err
	}
	next := offset
	for _, raw := range raws {
		id, err := updateID(raw)
		if err != nil {
			a.log.WarnContext(ctx, "update without id skipped")
			continue
		}
		if err := a.accept(ctx, id, raw); err != nil {
			return offset, err
		}
		next = max(next, id+1)
	}
	if next != offset {
		// Stored: the next getUpdates may confirm them.
		if err := a.store.SetIndex(ctx, offsetKey, strconv.FormatInt(next, 10)); err != nil {
			return offset, fmt.Errorf("store offset: %w", err)
		}
	}
	if err := a.drain(ctx); err != nil {
		return next, err
	}
	return next, nil
}

func (a *Adapter) offset(ctx context.Context) (int64, error) {
	v, err := a.store.Index(ctx, offsetKey)
	if errors.Is(err, flows.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read offset: %w", err)
	}
	return strconv.ParseInt(v, 10, 64)
}

// getUpdates asks for the updates from offset on, waiting up to the poll
// timeout, and returns each one raw: a batch is never decoded as a whole.
func (a *Adapter) getUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         int(timeout / time.Second),
		"allowed_updates": allowedUpdates,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.APIURL+"/bot"+a.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("getUpdates answered HTTP %d with no JSON", resp.StatusCode)
	}
	if !r.OK {
		if r.ErrorCode == http.StatusUnauthorized {
			return nil, errUnauthorized
		}
		return nil, fmt.Errorf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	return r.Result, nil
}
