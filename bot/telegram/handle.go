package telegram

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// inbound is where an update came from, to answer it there.
type inbound struct {
	chat     target // the chat it was sent in
	private  bool
	user     int64
	name     string
	message  int    // the message to reply to (0: none)
	callback string // the button press to answer ("" if none)
	intent   *flows.Intent
	lang     string // the person's Telegram language, for texts before a process knows them
}

// maxCodeLength bounds a process code after /start (they are six
// characters); a deep link's payload is far longer.
const maxCodeLength = 12

func (a *Adapter) updateKey(id int64) string { return fmt.Sprintf("tg:%d:%d", a.botID, id) }

// handle turns one update into what the core understands, and answers.
func (a *Adapter) handle(ctx context.Context, upd *models.Update) error {
	switch {
	case upd.Message != nil:
		return a.onMessage(ctx, upd.ID, upd.Message, false)
	case upd.EditedMessage != nil:
		return a.onMessage(ctx, upd.ID, upd.EditedMessage, true)
	case upd.CallbackQuery != nil:
		return a.onButton(ctx, upd.ID, upd.CallbackQuery)
	case upd.MyChatMember != nil:
		return a.onMembership(ctx, upd.ID, upd.MyChatMember)
	}
	return nil // polls, reactions, …: not asked for, nothing to do
}

func (a *Adapter) onMessage(ctx context.Context, id int64, m *models.Message, edited bool) error {
	switch {
	case m.MigrateToChatID != 0:
		return a.migrate(ctx, m.Chat.ID, m.MigrateToChatID, "service message")
	case m.MigrateFromChatID != 0:
		return a.migrate(ctx, m.MigrateFromChatID, m.Chat.ID, "service message")
	case m.Chat.Type != models.ChatTypePrivate && m.Chat.Type != models.ChatTypeGroup && m.Chat.Type != models.ChatTypeSupergroup:
		return nil // channels are not groups of a process
	case m.SenderChat != nil && strings.HasPrefix(m.Text, "/"):
		// A group admin who "remains anonymous" writes as the group: the
		// bot cannot tell who it is, so it says so rather than stay mute.
		text := a.core.Renderer().Line(flows.L(flows.MsgAnonymousAdmin), flows.DefaultLanguage)
		_, err := a.sendNow(ctx, target{chat: m.Chat.ID, thread: topicOf(m), group: true}, text, nil, m.ID)
		return err
	case m.From == nil || m.From.IsBot:
		return nil
	case m.Text == "" && attachment(m) == "":
		return nil // a service message: pinned, joined, renamed, …
	case edited && (strings.HasPrefix(strings.TrimSpace(m.Text), "/") || m.Chat.Type == models.ChatTypePrivate):
		// An edit is a new version of an answer given as a reply in a
		// group. An edited command is not run again; an edited private
		// message is not taken as the answer to whatever is asked next.
		if m.Chat.Type != models.ChatTypePrivate {
			return nil
		}
		text := a.core.Renderer().Line(flows.L(flows.MsgEditedPrivately), languageOf(m.From.LanguageCode))
		_, err := a.sendNow(ctx, target{chat: m.Chat.ID}, text, nil, m.ID)
		return err
	}
	thread := topicOf(m)
	if thread != 0 && strings.HasPrefix(m.Text, "/") {
		a.rememberTopic(ctx, m.Chat.ID, thread)
	}
	in := inbound{
		chat:    target{chat: m.Chat.ID, thread: thread, group: m.Chat.Type != models.ChatTypePrivate},
		private: m.Chat.Type == models.ChatTypePrivate,
		user:    m.From.ID, name: m.From.FirstName, message: m.ID, lang: m.From.LanguageCode,
	}
	u := &bot.Update{
		Key:     a.updateKey(id),
		Chat:    flows.Chat{ID: chatID(m.Chat.ID, thread), Private: in.private},
		User:    userID(m.From.ID),
		Name:    m.From.FirstName,
		Text:    m.Text,
		BotName: a.username,
		Edited:  edited,
	}
	// In a forum every message in a topic "replies" to the topic's first
	// message; that is not a reply to anyone.
	if r := m.ReplyToMessage; r != nil && r.From != nil && !(m.IsTopicMessage && r.ID == m.MessageThreadID) {
		if r.From.ID == a.botID {
			u.ReplyToBot, u.ReplyToMessage = true, strconv.Itoa(r.ID)
		} else if !r.From.IsBot {
			u.ReplyToOther, u.ReplyToUser = true, userID(r.From.ID)
		}
	}
	for _, e := range m.Entities {
		if e.Type == models.MessageEntityTypeTextMention && e.User != nil {
			u.Mentions = append(u.Mentions, userID(e.User.ID))
		}
	}
	if kind := attachment(m); kind != "" {
		u.Attachment, u.Text = kind, m.Caption
	}
	// A deep link (t.me/<bot>?start=<payload>) carries the button that sent
	// the person here: it is pressed again, now in the private chat.
	if payload, ok := strings.CutPrefix(m.Text, "/start "); ok && in.private {
		payload = strings.TrimSpace(payload)
		intent, ok := a.codec.fromStartPayload(payload, m.From.ID)
		switch {
		case ok:
			u.Text, u.Button, in.intent = "", &intent, &intent
		case len(payload) > maxCodeLength:
			// Not a process code (/start CODE): a button's link that was
			// altered, or signed with a secret since replaced.
			text := a.core.Renderer().Line(flows.L(flows.ErrButtonExpired), languageOf(m.From.LanguageCode))
			_, err := a.sendNow(ctx, in.chat, text, nil, 0)
			return err
		}
	}
	reply, err := a.core.Handle(ctx, u)
	if err != nil {
		return err
	}
	return a.answer(ctx, in, reply)
}

// topicOf is the forum topic a message is in (0: none, or General).
func topicOf(m *models.Message) int {
	if m.IsTopicMessage {
		return m.MessageThreadID
	}
	return 0
}

// attachment names what a message carries instead of text.
func attachment(m *models.Message) string {
	switch {
	case len(m.Photo) > 0:
		return "photo"
	case m.Voice != nil:
		return "voice"
	case m.Sticker != nil:
		return "sticker"
	case m.Video != nil, m.VideoNote != nil, m.Animation != nil:
		return "video"
	case m.Audio != nil:
		return "audio"
	case m.Document != nil:
		return "document"
	case m.Location != nil, m.Contact != nil, m.Poll != nil:
		return "other"
	}
	return ""
}

func (a *Adapter) onButton(ctx context.Context, id int64, q *models.CallbackQuery) error {
	var chat models.Chat
	var msg *models.Message
	switch {
	case q.Message.Message != nil:
		msg = q.Message.Message
		chat = msg.Chat
	case q.Message.InaccessibleMessage != nil:
		chat = q.Message.InaccessibleMessage.Chat
	default:
		return a.answerButton(ctx, q.ID, "", false, "")
	}
	intent, ok := a.codec.decode(q.Data)
	if !ok {
		// Tampered with, or from before a change of secret: refuse kindly.
		text := a.core.Renderer().Line(flows.L(flows.ErrButtonExpired), languageOf(q.From.LanguageCode)).Plain()
		return a.answerButton(ctx, q.ID, text, true, "")
	}
	thread := 0
	if msg != nil && msg.IsTopicMessage {
		thread = msg.MessageThreadID
	}
	in := inbound{
		chat:    target{chat: chat.ID, thread: thread, group: chat.Type != models.ChatTypePrivate},
		private: chat.Type == models.ChatTypePrivate,
		user:    q.From.ID, name: q.From.FirstName, callback: q.ID, intent: &intent, lang: q.From.LanguageCode,
	}
	reply, err := a.core.Handle(ctx, &bot.Update{
		Key:     a.updateKey(id),
		Chat:    flows.Chat{ID: chatID(chat.ID, thread), Private: in.private},
		User:    userID(q.From.ID),
		Name:    q.From.FirstName,
		BotName: a.username,
		Button:  &intent,
	})
	if err != nil {
		_ = a.answerButton(ctx, q.ID, "", false, "") // never leave a spinner
		return err
	}
	return a.answer(ctx, in, reply)
}
