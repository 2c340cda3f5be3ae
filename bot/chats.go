package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/samen-bot/samen/flows"
)

// MoveChat tells the process that owns chat from that its chat now has the
// id to (a Telegram group upgraded to a supergroup). key identifies the
// platform event, so a redelivered one moves nothing twice. A chat that
// belongs to no process is not an error.
func (b *Bot) MoveChat(ctx context.Context, from, to flows.ChatID, key string) error {
	return b.aboutChat(ctx, from, key, flows.MoveChat{From: from, To: to})
}

// LoseChat tells the facilitators of the process that owns chat that the bot
// was removed from it.
func (b *Bot) LoseChat(ctx context.Context, chat flows.ChatID, key string) error {
	return b.aboutChat(ctx, chat, key, flows.LoseChat{Chat: chat})
}

func (b *Bot) aboutChat(ctx context.Context, chat flows.ChatID, key string, cmd flows.Command) error {
	v, err := b.store.Index(ctx, chatKey(chat))
	if errors.Is(err, flows.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look up chat: %w", err)
	}
	req := &Request{Update: &Update{Key: key, Chat: flows.Chat{ID: chat}}}
	_, err = b.run(ctx, req, processOf(v), cmd)
	return err
}

// ButtonKey is the key adapters sign button data with, so that data a
// client sends back cannot be forged. It is derived from the secret and
// never the secret itself.
func (b *Bot) ButtonKey() []byte {
	m := hmac.New(sha256.New, b.secret)
	m.Write([]byte("samen button data v1"))
	return m.Sum(nil)
}
