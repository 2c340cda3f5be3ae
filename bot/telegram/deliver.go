package telegram

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/samen-bot/samen/bot"
)

// target is where a message goes on Telegram.
type target struct {
	chat   int64
	thread int
	group  bool // a group or supergroup (private chats have positive ids)
}

func (t target) String() string { return strconv.FormatInt(t.chat, 10) }

// targetOf reads the destination of an outbound message, at the chat's
// current id; moved reports that the chat has a new id since.
func (a *Adapter) targetOf(ctx context.Context, m bot.OutMessage) (t target, moved bool, err error) {
	if m.User != "" {
		id, err := parseUser(m.User)
		return target{chat: id}, false, err
	}
	chat, thread, err := parseChat(m.Chat)
	if err != nil {
		return target{}, false, err
	}
	t = a.moved(ctx, target{chat: chat, thread: thread, group: chat < 0})
	return t, t.chat != chat, nil
}

// Deliver sends (or edits) one message: the core's bot.Transport. It keeps
// to the rate limits, returning *bot.RetryLater when the chat must wait, and
// wraps bot.ErrUndeliverable when Telegram will never take the message.
func (a *Adapter) Deliver(ctx context.Context, m bot.OutMessage) (string, error) {
	t, moved, err := a.targetOf(ctx, m)
	if err != nil {
		return "", fmt.Errorf("%w: %v", bot.ErrUndeliverable, err)
	}
	keyboard, err := a.keyboard(m.Buttons)
	if err != nil {
		return "", fmt.Errorf("%w: %v", bot.ErrUndeliverable, err)
	}
	if m.EditID != "" {
		if moved {
			// An edit of a message left behind in the old group: the
			// move posted that message anew in the new chat already.
			return m.EditID, nil
		}
		if err := a.editGate(t); err != nil {
			return "", err
		}
		id, err := a.edit(ctx, t, m.EditID, m.Text, keyboard)
		if !errors.Is(err, errEditGone) {
			return id, err
		}
		// The message is gone (deleted, or too old to edit): post it anew.
	}
	parts := splitForSend(m.Text, keyboard)
	var last string
	for i, part := range parts {
		var id string
		if i == 0 {
			// The first part may wait in the sender's queue like any message.
			id, err = a.send(ctx, t, part.text, part.keyboard, 0)
		} else {
			// Once a part is out, the rest follow here: retrying the entry
			// would send the first part again.
			id, err = a.sendNow(ctx, t, part.text, part.keyboard, 0)
		}
		if err != nil {
			return "", err
		}
		last = id
	}
	return last, nil
}

type sendPart struct {
	text     bot.Rich
	keyboard *models.InlineKeyboardMarkup
}

// splitForSend cuts a long text into messages; the buttons go under the
// last one, so that a reply to the round's message with buttons finds it.
func splitForSend(text bot.Rich, keyboard *models.InlineKeyboardMarkup) []sendPart {
	pieces := split(text, maxText)
	parts := make([]sendPart, len(pieces))
	for i, p := range pieces {
		parts[i].text = p
	}
	parts[len(parts)-1].keyboard = keyboard
	return parts
}

// send posts one message of at most maxText characters.
func (a *Adapter) send(ctx context.Context, t target, text bot.Rich, keyboard *models.InlineKeyboardMarkup, replyTo int) (string, error) {
	if t.group {
		t = a.moved(ctx, t)
	}
	if err := a.wait(ctx, t); err != nil {
		return "", err
	}
	params := &tgbot.SendMessageParams{
		ChatID: t.chat, MessageThreadID: t.thread,
		Text: toHTML(text), ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
	}
	if keyboard != nil {
		params.ReplyMarkup = keyboard
	}
	if replyTo != 0 {
		params.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	msg, err := a.api.SendMessage(ctx, params)
	if err != nil {
		return "", a.sendError(ctx, t, err)
	}
	id := strconv.Itoa(msg.ID)
	a.edits.remember(t, id, params.Text, keyboard)
	return id, nil
}

var errEditGone = errors.New("message to edit is gone")

// edit replaces a message's text and buttons. An edit that would change
// nothing is not sent: Telegram refuses it ("message is not modified").
func (a *Adapter) edit(ctx context.Context, t target, id string, text bot.Rich, keyboard *models.InlineKeyboardMarkup) (string, error) {
	msgID, err := strconv.Atoi(id)
	if err != nil {
		return "", errEditGone
	}
	// A long message was sent in parts with its buttons under the last;
	// that last part is the one edited (it holds the live progress), so it
	// is cut the same way.
	pieces := split(text, maxText)
	html := toHTML(pieces[len(pieces)-1])
	if a.edits.same(t, id, html, keyboard) {
		return id, nil
	}
	if err := a.wait(ctx, t); err != nil {
		return "", err
	}
	params := &tgbot.EditMessageTextParams{
		ChatID: t.chat, MessageID: msgID, Text: html, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
	}
	if keyboard != nil {
		params.ReplyMarkup = keyboard
	} else {
		params.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}}
	}
	_, err = a.api.EditMessageText(ctx, params)
	switch {
	case err == nil, isBadRequest(err, "message is not modified"):
		a.edits.remember(t, id, html, keyboard)
		return id, nil
	case isBadRequest(err, "message to edit not found"), isBadRequest(err, "message can't be edited"):
		return "", errEditGone
	}
	return "", a.sendError(ctx, t, err)
}

// editGate holds back an edit that came too soon after the last one in
// the chat (see editInterval).
func (a *Adapter) editGate(t target) error {
	if d := a.limits.editWait(t.chat, t.group); d > 0 {
		return &bot.RetryLater{After: d}
	}
	return nil
}

// wait takes a place in the rate limits. A wait on the overall rate is
// short and waited out here; a wait for the chat itself goes back to the
// sender as RetryLater, so other chats go on meanwhile.
func (a *Adapter) wait(ctx context.Context, t target) error {
	for {
		d := a.limits.reserve(t.chat, t.group)
		if d == 0 {
			return nil
		}
		if !a.limits.globalOnly(t.chat, t.group) || d > time.Second {
			return &bot.RetryLater{After: d}
		}
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// sendError turns a failed call into what the sender should do.
func (a *Adapter) sendError(ctx context.Context, t target, err error) error {
	var tooMany *tgbot.TooManyRequestsError
	var migrate *tgbot.MigrateError
	switch {
	case errors.As(err, &tooMany):
		if a.cfg.RateLimited != nil {
			a.cfg.RateLimited()
		}
		d := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
		a.limits.block(t.chat, d)
		a.log.WarnContext(ctx, "telegram asked to wait", "retry_after_s", tooMany.RetryAfter)
		return &bot.RetryLater{After: d}
	case errors.As(err, &migrate):
		// The group became a supergroup: move it, and send there.
		if merr := a.migrate(ctx, t.chat, int64(migrate.MigrateToChatID), "migrate-send"); merr != nil {
			return merr
		}
		return &bot.RetryLater{}
	case errors.Is(err, tgbot.ErrorForbidden):
		// Blocked, removed from the chat, or a person who never started
		// the bot: retrying will not help.
		return fmt.Errorf("%w: %v", bot.ErrUndeliverable, a.redact(err))
	case errors.Is(err, tgbot.ErrorBadRequest):
		// Our mistake (or a chat that is gone): log it, do not retry forever.
		a.log.ErrorContext(ctx, "telegram refused a message", "err", a.redact(err))
		return fmt.Errorf("%w: %v", bot.ErrUndeliverable, a.redact(err))
	}
	return a.redact(err)
}

func isBadRequest(err error, description string) bool {
	return errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), description)
}

// keyboard encodes buttons as an inline keyboard with signed callback data.
func (a *Adapter) keyboard(rows [][]bot.Button) (*models.InlineKeyboardMarkup, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	kb := &models.InlineKeyboardMarkup{}
	for _, row := range rows {
		var out []models.InlineKeyboardButton
		for _, b := range row {
			data, err := a.codec.encode(b.Intent)
			if err != nil {
				return nil, err
			}
			out = append(out, models.InlineKeyboardButton{Text: b.Label, CallbackData: data})
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, out)
	}
	return kb, nil
}

// editCache remembers what each message the bot sent says, so that an
// edit changing nothing is never sent. It is a cache: after a restart the
// first edit of each message goes out, and Telegram's "not modified" is
// taken as success.
type editCache struct {
	mu   sync.Mutex
	sums map[string][32]byte
}

func newEditCache() *editCache { return &editCache{sums: map[string][32]byte{}} }

func (c *editCache) key(t target, id string) string { return t.String() + ":" + id }

func editSum(html string, kb *models.InlineKeyboardMarkup) [32]byte {
	raw, _ := json.Marshal(kb)
	return sha256.Sum256(append([]byte(html+"\x00"), raw...))
}

// maxEditCache bounds the cache: forgetting costs one edit Telegram may
// answer "not modified", which is taken as success.
const maxEditCache = 50_000

func (c *editCache) remember(t target, id, html string, kb *models.InlineKeyboardMarkup) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sums) >= maxEditCache {
		clear(c.sums)
	}
	c.sums[c.key(t, id)] = editSum(html, kb)
}

func (c *editCache) same(t target, id, html string, kb *models.InlineKeyboardMarkup) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	sum, ok := c.sums[c.key(t, id)]
	return ok && sum == editSum(html, kb)
}
