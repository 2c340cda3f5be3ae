package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// answer delivers the core's reply to an update, at once (not through the
// outbox: the person is waiting for it), and answers a button press.
func (a *Adapter) answer(ctx context.Context, in inbound, r *bot.Reply) error {
	if r == nil {
		return a.answerButton(ctx, in.callback, "", false, "")
	}
	if toast, ok := asToast(in, r); ok {
		return a.answerButton(ctx, in.callback, toast, false, "")
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

// maxToast is the longest text answerCallbackQuery shows.
const maxToast = 200

// asToast reports whether the reply to a consent button pressed in a group
// may be the press's own answer (the notice Telegram shows over the chat)
// rather than a private message: a short confirmation for the presser
// alone, with nothing to press or type after it ("Genoteerd: Ik stem in.";
// the round's message in the group shows the vote too). Other presses keep
// their private message: joining opens the private chat the process needs
// later, and a concern or an objection is written there. Telegram
// limits a bot to about 30 messages a second in all; answering a press
// counts against no limit, so a thousand people voting at once are each
// answered at once instead of over half a minute, and someone who never
// opened the private chat still hears their vote counted.
func asToast(in inbound, r *bot.Reply) (string, bool) {
	if in.callback == "" || in.private || in.intent == nil || in.intent.Do != flows.DoVote ||
		!r.Private || r.Asks || r.Form != nil || r.File != nil || len(r.Buttons) > 0 {
		return "", false
	}
	text := r.Text.Plain()
	if text == "" || len([]rune(text)) > maxToast || strings.Contains(text, "\n") {
		return "", false
	}
	return text, true
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

// sendNow sends a direct reply (bot.SendDirect): the person is waiting,
// so it does not queue behind the outbox.
func (a *Adapter) sendNow(ctx context.Context, t target, text bot.Rich, kb *models.InlineKeyboardMarkup, replyTo int) (string, error) {
	return bot.SendDirect(ctx, a.bg, a.log, a.redact, func(ctx context.Context) (string, error) {
		return a.send(ctx, t, text, kb, replyTo)
	})
}

// waitNow waits for a place in the rate limits.
func (a *Adapter) waitNow(ctx context.Context, t target) error {
	for {
		err := a.wait(ctx, t)
		var later *bot.RetryLater
		if !errors.As(err, &later) {
			return err
		}
		if err := bot.Sleep(ctx, max(later.After, 50*time.Millisecond)); err != nil {
			return err
		}
	}
}
