package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
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

// answer delivers the core's reply to an update, at once (not through the
// outbox: the person is waiting for it), and answers a button press.
func (a *Adapter) answer(ctx context.Context, in inbound, r *bot.Reply) error {
	if r == nil {
		return a.answerButton(ctx, in.callback, "", false, "")
	}
	dest, replyTo := in.chat, in.message
	privately := r.Private && !in.private
	if privately {
		dest, replyTo = target{chat: in.user}, 0
	}
	err := a.sendReply(ctx, dest, r, replyTo)
	switch {
	case err == nil && privately && in.callback != "":
		toast := a.core.Renderer().Line(flows.L(flows.MsgSentPrivately), r.Lang).Plain()
		return a.answerButton(ctx, in.callback, toast, false, "")
	case err == nil:
		return a.answerButton(ctx, in.callback, "", false, "")
	case privately && errors.Is(err, bot.ErrUndeliverable):
		return a.openPrivateChat(ctx, in, r.Lang)
	}
	// What was done is stored; only its answer did not get out. The person
	// pressing a button hears so, and can press again (it is idempotent).
	text := a.core.Renderer().Line(flows.L(flows.MsgTryAgain), r.Lang).Plain()
	_ = a.answerButton(ctx, in.callback, text, true, "")
	return err
}

// sendReply sends a reply's text (split if long) and file.
func (a *Adapter) sendReply(ctx context.Context, dest target, r *bot.Reply, replyTo int) error {
	keyboard, err := a.keyboard(r.Buttons)
	if err != nil {
		return err
	}
	for _, part := range splitForSend(r.Text, keyboard) {
		if _, err := a.sendNow(ctx, dest, part.text, part.keyboard, replyTo); err != nil {
			return err
		}
		replyTo = 0
	}
	if f := r.File; f != nil {
		if err := a.waitNow(ctx, dest); err != nil {
			return err
		}
		_, err := a.api.SendDocument(ctx, &tgbot.SendDocumentParams{
			ChatID: dest.chat, MessageThreadID: dest.thread,
			Document: &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)},
		})
		if err != nil {
			return a.sendError(ctx, dest, err)
		}
	}
	return nil
}

// openPrivateChat is for someone the bot cannot message privately: they
// never started it. A button press gets an alert that opens the private
// chat with the same button in the link; a command in a group gets a
// reply there with a button to open it. Nothing of the private answer is
// shown in the group.
func (a *Adapter) openPrivateChat(ctx context.Context, in inbound, lang string) error {
	link := "https://t.me/" + a.username
	if in.intent != nil {
		if p := a.codec.startPayload(*in.intent, in.user); p != "" {
			link += "?start=" + p
		}
	}
	if in.callback != "" {
		text := a.core.Renderer().Line(flows.L(flows.MsgOpenPrivateAlert), lang).Plain()
		return a.answerButton(ctx, in.callback, text, false, link)
	}
	text := a.core.Renderer().Line(flows.L(flows.MsgOpenPrivateChat, "name", in.name), lang)
	label := a.core.Renderer().Line(flows.L(flows.BtnOpenPrivateChat), lang).Plain()
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: label, URL: link}}}}
	_, err := a.sendNow(ctx, in.chat, text, kb, in.message)
	return err
}

// answerButton answers a button press (a no-op without one). Telegram
// shows a spinner until it is answered, so every press is, exactly once.
func (a *Adapter) answerButton(ctx context.Context, id, text string, alert bool, url string) error {
	if id == "" {
		return nil
	}
	if len([]rune(text)) > 200 {
		text = string([]rune(text)[:199]) + "…"
	}
	_, err := a.api.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text, ShowAlert: alert, URL: url})
	if err != nil {
		return fmt.Errorf("answer button: %w", a.redact(err))
	}
	return nil
}

// replyWait is how long a direct reply waits for the rate limits in line;
// a longer wait (a chat Telegram asked to wait, a group's minute used up)
// is finished in the background, so that the updates after this one, in
// other chats, are not held up.
const replyWait = 2 * time.Second

// sendNow sends a direct reply: the person is waiting, so it does not queue
// behind the outbox. A failure Telegram may get over (a 5xx, the network)
// is tried again twice.
func (a *Adapter) sendNow(ctx context.Context, t target, text bot.Rich, kb *models.InlineKeyboardMarkup, replyTo int) (string, error) {
	deadline := time.Now().Add(replyWait)
	for failures := 0; ; {
		id, err := a.send(ctx, t, text, kb, replyTo)
		var later *bot.RetryLater
		switch {
		case err == nil:
			return id, nil
		case errors.As(err, &later):
			if time.Now().Add(later.After).After(deadline) {
				a.sendLater(t, text, kb, replyTo)
				return "", nil
			}
			if err := sleep(ctx, max(later.After, 50*time.Millisecond)); err != nil {
				return "", err
			}
		case errors.Is(err, bot.ErrUndeliverable), ctx.Err() != nil:
			return "", err
		default:
			if failures++; failures > 2 {
				return "", err
			}
			if err := sleep(ctx, time.Duration(failures)*500*time.Millisecond); err != nil {
				return "", err
			}
		}
	}
}

// sendLater finishes a reply in the background once the chat may be
// written to again.
func (a *Adapter) sendLater(t target, text bot.Rich, kb *models.InlineKeyboardMarkup, replyTo int) {
	go func() {
		ctx, cancel := context.WithTimeout(a.bg, 10*time.Minute)
		defer cancel()
		for {
			_, err := a.send(ctx, t, text, kb, replyTo)
			var later *bot.RetryLater
			if !errors.As(err, &later) {
				if err != nil && ctx.Err() == nil {
					a.log.WarnContext(ctx, "a delayed reply failed", "err", a.redact(err))
				}
				return
			}
			if sleep(ctx, max(later.After, 50*time.Millisecond)) != nil {
				return
			}
		}
	}()
}

// waitNow waits for a place in the rate limits.
func (a *Adapter) waitNow(ctx context.Context, t target) error {
	for {
		err := a.wait(ctx, t)
		var later *bot.RetryLater
		if !errors.As(err, &later) {
			return err
		}
		if err := sleep(ctx, max(later.After, 50*time.Millisecond)); err != nil {
			return err
		}
	}
}
