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
	_, err := b.aboutChat(ctx, from, key, flows.MoveChat{From: from, To: to})
	return err
}

// LoseChat tells the facilitators of the process that owns chat that the bot
// was removed from it.
func (b *Bot) LoseChat(ctx context.Context, chat flows.ChatID, key string) error {
	_, err := b.aboutChat(ctx, chat, key, flows.LoseChat{Chat: chat})
	return err
}

// RegainChat tells the facilitators of the process that owns chat that the
// bot is back in it. It reports whether the chat belongs to a process.
func (b *Bot) RegainChat(ctx context.Context, chat flows.ChatID, key string) (bool, error) {
	return b.aboutChat(ctx, chat, key, flows.LoseChat{Chat: chat, Back: true})
}

// aboutChat runs cmd on the process chat belongs to, if any.
func (b *Bot) aboutChat(ctx context.Context, chat flows.ChatID, key string, cmd flows.Command) (bool, error) {
	v, err := b.store.Index(ctx, chatKey(chat))
	if errors.Is(err, flows.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up chat: %w", err)
	}
	req := &Request{Update: &Update{Key: key, Chat: flows.Chat{ID: chat}}}
	_, err = b.run(ctx, req, processOf(v), cmd)
	return true, err
}

// ButtonKey is the key adapters sign button data with, so that data a
// client sends back cannot be forged.
func (b *Bot) ButtonKey() []byte { return b.DerivedKey("button data v1") }

// DerivedKey is a 32-byte key for one purpose (signing, encrypting what an
// adapter keeps for a moment), derived from the secret: never the secret
// itself, and never stored.
func (b *Bot) DerivedKey(purpose string) []byte {
	m := hmac.New(sha256.New, b.secret)
	m.Write([]byte("samen " + purpose))
	return m.Sum(nil)
}
