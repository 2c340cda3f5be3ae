package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/samen-bot/samen/flows"
)

// A group upgraded to a supergroup gets a new chat id. Telegram says so twice:
// a service message in the old group (migrate_to_chat_id), and a 400 to any
// send to the old id. Either moves the process's chat; messages queued for
// the old id go to the new one.

func movedKey(chat int64) string { return fmt.Sprintf("tg:moved:%d", chat) }

// moved returns t at the chat's current id.
func (a *Adapter) moved(ctx context.Context, t target) target {
	v, err := a.store.Index(ctx, movedKey(t.chat))
	if err != nil {
		if !errors.Is(err, flows.ErrNotFound) {
			a.log.WarnContext(ctx, "look up moved chat failed", "err", err)
		}
		return t
	}
	if to, err := strconv.ParseInt(v, 10, 64); err == nil {
		t.chat, t.group = to, true
	}
	return t
}

// migrate records that chat from is now chat to, and moves the process.
func (a *Adapter) migrate(ctx context.Context, from, to int64, why string) error {
	if to == 0 || from == to {
		return nil
	}
	if err := a.store.SetIndex(ctx, movedKey(from), strconv.FormatInt(to, 10)); err != nil {
		return fmt.Errorf("remember moved chat: %w", err)
	}
	key := fmt.Sprintf("tg:%d:migrate:%d:%d", a.botID, from, to)
	if err := a.core.MoveChat(ctx, chatID(from, 0), chatID(to, 0), key); err != nil {
		return fmt.Errorf("move chat: %w", err)
	}
	a.log.InfoContext(ctx, "group moved to a supergroup", "via", why)
	return nil
}
