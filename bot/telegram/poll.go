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

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// allowedUpdates are the updates the bot asks for: messages (commands,
// replies, private answers), their edits, button presses, and the bot's own
// membership in chats.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

const offsetKey = "tg:offset"

var errUnauthorized = errors.New("unauthorized")

// poll is long polling with our own loop (the library's confirms updates
// before they are handled and stalls on one it cannot decode): each batch
// is stored, then confirmed by the next call's offset, then handled.
func (a *Adapter) poll(ctx context.Context) error {
	// A webhook, if one was set, would make every getUpdates fail with 409.
	if _, err := a.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
		a.log.WarnContext(ctx, "delete webhook failed", "err", a.redact(err))
	}
	if err := a.drain(ctx); err != nil {
		return err
	}
	offset, err := a.offset(ctx)
	if err != nil {
		return err
	}
	backoff := time.Duration(0)
	for {
		if backoff > 0 {
			if err := bot.Sleep(ctx, backoff); err != nil {
				return err
			}
		}
		next, err := a.pollOnce(ctx, offset, a.cfg.PollTimeout)
		offset = next
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, errUnauthorized):
			return fmt.Errorf("Telegram refuses the bot token (401): check SAMEN_TELEGRAM_TOKEN with @BotFather; it may have been revoked")
		case err != nil:
			// Telegram unreachable, or the store: what was not stored is
			// not confirmed, and comes again.
			backoff = min(max(2*backoff, time.Second), 30*time.Second)
			a.log.WarnContext(ctx, "polling failed", "err", a.redact(err), "retry_in", backoff.String())
			continue
		}
		backoff = 0
	}
}

// pollOnce takes one batch from offset (waiting up to timeout for it),
// stores it, moves the offset past it and handles it. It returns the next
// offset.
func (a *Adapter) pollOnce(ctx context.Context, offset int64, timeout time.Duration) (int64, error) {
	raws, err := a.getUpdates(ctx, offset, timeout)
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
