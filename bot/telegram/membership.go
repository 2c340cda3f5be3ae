package telegram

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/samen-bot/samen/flows"
)

// onMembership is the bot added to a chat (it introduces itself and says
// how to link the chat) or removed from one (the facilitators are told).
func (a *Adapter) onMembership(ctx context.Context, id int64, c *models.ChatMemberUpdated) error {
	if c.Chat.Type == models.ChatTypePrivate || c.Chat.Type == models.ChatTypeChannel {
		return nil // a person blocking the bot is found out by the first send
	}
	was, is := present(c.OldChatMember.Type), present(c.NewChatMember.Type)
	chat := target{chat: c.Chat.ID, group: true}
	key := a.updateKey(id)
	switch {
	case is && !was:
		linked := false
		for _, ch := range a.chatAndTopics(ctx, c.Chat.ID) {
			ok, err := a.core.RegainChat(ctx, ch, key+":"+string(ch))
			if err != nil {
				return err
			}
			linked = linked || ok
		}
		if linked {
			return nil // the facilitators are told; the group knows the bot
		}
		text := a.core.Renderer().Line(flows.L(flows.MsgBotAdded), languageOf(c.From.LanguageCode))
		_, err := a.sendNow(ctx, chat, text, nil, 0)
		return err
	case was && !is:
		for _, ch := range a.chatAndTopics(ctx, c.Chat.ID) {
			if err := a.core.LoseChat(ctx, ch, key+":"+string(ch)); err != nil {
				return err
			}
		}
	}
	return nil
}

func topicsKey(chat int64) string { return fmt.Sprintf("tg:topics:%d", chat) }

// rememberTopic notes that a forum topic of chat was used for commands: it
// may be a group of a process, to be told about if the bot leaves the chat.
func (a *Adapter) rememberTopic(ctx context.Context, chat int64, thread int) {
	if err := a.store.AddToSet(ctx, topicsKey(chat), strconv.Itoa(thread)); err != nil {
		a.log.WarnContext(ctx, "remember topic failed", "err", err)
	}
}

// chatAndTopics are the core's ids of a Telegram chat: the chat, and each
// of its topics that commands were sent in.
func (a *Adapter) chatAndTopics(ctx context.Context, chat int64) []flows.ChatID {
	out := []flows.ChatID{chatID(chat, 0)}
	topics, err := a.store.SetMembers(ctx, topicsKey(chat))
	if err != nil {
		a.log.WarnContext(ctx, "read topics failed", "err", err)
	}
	for _, t := range topics {
		if n, err := strconv.Atoi(t); err == nil {
			out = append(out, chatID(chat, n))
		}
	}
	return out
}

func present(t models.ChatMemberType) bool {
	return t == models.ChatMemberTypeMember || t == models.ChatMemberTypeAdministrator || t == models.ChatMemberTypeOwner || t == models.ChatMemberTypeRestricted
}

// languageOf picks a catalog for someone the core knows nothing of yet.
func languageOf(code string) string {
	if base, _, _ := strings.Cut(code, "-"); flows.ValidLanguage(base) {
		return base
	}
	return flows.DefaultLanguage
}
