package discord

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// interaction is one slash command, button press or form submission being
// answered.
type interaction struct {
	*discordgo.Interaction
	user *discordgo.User
	lang string // the person's Discord language, for texts before a process knows them
}

func (in interaction) private() bool { return in.GuildID == "" }

// chat is where the interaction happened, as the core names it: a
// channel or thread, or the person's private chat.
func (in interaction) chat() flows.Chat {
	if in.private() {
		return flows.Chat{ID: flows.ChatID(userID(in.user.ID)), Private: true}
	}
	return flows.Chat{ID: chatID(in.ChannelID)}
}

func (in interaction) update() *bot.Update {
	return &bot.Update{
		Key:  "dc:i:" + in.ID,
		Chat: in.chat(),
		User: userID(in.user.ID),
		Name: displayName(in.user, in.Member),
		// What the bot asks for with a form comes through the form.
		Forms: true,
	}
}

// onInteraction answers an interaction. The gateway's reader is not held
// up: the work runs on its own goroutine, and is answered within
// Discord's three seconds (deferred if it takes longer).
func (a *Adapter) onInteraction(e *discordgo.InteractionCreate) {
	in := interaction{Interaction: e.Interaction, lang: languageOf(string(e.Locale))}
	switch {
	case e.Member != nil && e.Member.User != nil:
		in.user = e.Member.User
	case e.User != nil:
		in.user = e.User
	default:
		return
	}
	if in.user.Bot {
		return
	}
	a.spawn(func() {
		defer func() {
			if v := recover(); v != nil {
				a.log.Error("discord interaction handler panicked", "panic", fmt.Sprint(v))
				a.respondText(in, flows.ErrInternal, true)
			}
		}()
		a.interact(in)
	})
}

// interact turns the interaction into an update for the core. Its data is
// checked before it is read: discordgo's accessors panic on data of
// another type, and data it could not decode (a component type it does
// not know) arrives as nil.
func (a *Adapter) interact(in interaction) {
	u := in.update()
	switch data := in.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		u.Text, u.Mentions = commandText(data, !in.private())
		a.answer(in, kindCommand, u)
	case discordgo.MessageComponentInteractionData:
		intent, ok := a.codec.Decode(data.CustomID)
		if !ok {
			a.respondText(in, flows.ErrButtonExpired, true)
			return
		}
		u.Button = &intent
		a.answer(in, kindButton, u)
	case discordgo.ModalSubmitInteractionData:
		intent, ok := a.codec.Decode(data.CustomID)
		fields := formValues(data.Components)
		if !ok || len(fields) == 0 {
			a.respondText(in, flows.MsgFormUnreadable, true)
			return
		}
		u.Button, u.Fields = &intent, fields
		a.answer(in, kindForm, u)
	default:
		if in.Type == discordgo.InteractionMessageComponent || in.Type == discordgo.InteractionModalSubmit {
			a.respondText(in, flows.MsgFormUnreadable, true)
		}
	}
}

// formValues reads a submitted form's texts in order.
func formValues(rows []discordgo.MessageComponent) []string {
	var out []string
	for _, c := range rows {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range row.Components {
			if input, ok := c.(*discordgo.TextInput); ok {
				out = append(out, input.Value)
			}
		}
	}
	return out
}

// kind is what an interaction is, for how it is answered.
type kind int

const (
	kindCommand kind = iota
	kindButton
	kindForm
)

type outcome struct {
	reply *bot.Reply
	err   error
}

// answer hands u to the core and answers the interaction with the reply:
// directly when the core is done within AnswerWithin, else deferred first
// (Discord then shows "thinking…") and completed when the core is done.
func (a *Adapter) answer(in interaction, k kind, u *bot.Update) {
	done := make(chan outcome, 1)
	a.spawn(func() {
		defer func() {
			if v := recover(); v != nil {
				a.log.Error("discord update handling panicked", "panic", fmt.Sprint(v))
				done <- outcome{err: fmt.Errorf("panic: %v", v)}
			}
		}()
		reply, err := a.core.Handle(a.bg, u)
		done <- outcome{reply, err}
	})
	if a.cfg.AnswerWithin > 0 {
		timer := time.NewTimer(a.cfg.AnswerWithin)
		select {
		case o := <-done:
			timer.Stop()
			a.respondNow(in, k, o)
			return
		case <-timer.C:
		}
	}
	deferred := a.deferResponse(in, k)
	a.respondLate(in, k, <-done, deferred)
}

// respondNow gives the reply as the interaction's first answer.
func (a *Adapter) respondNow(in interaction, k kind, o outcome) {
	r, err := o.reply, o.err
	switch {
	case err != nil:
		a.respondText(in, flows.ErrInternal, true)
		return
	case r == nil && k == kindButton:
		a.respond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		return
	case r == nil:
		a.respondText(in, flows.MsgDone, true)
		return
	case r.Form != nil && k != kindForm:
		// A form answers the form's texts at once; a form cannot follow
		// a form, so after one it is asked in the private chat.
		id, err := a.codec.Encode(r.Form.Intent())
		if err == nil && len(id) <= maxCustomID {
			a.respond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: modal(id, r.Form)})
			return
		}
		a.continuePrivately(in, r, false)
		return
	case r.Asks && !in.private():
		// The bot waits for text in the private chat (an intake's
		// questions): the question goes there.
		a.continuePrivately(in, r, false)
		return
	}
	content := parts(r.Text)
	buttons, err := a.components(r.Buttons)
	if err != nil {
		a.log.Error("render buttons failed", "err", err)
	}
	data := &discordgo.InteractionResponseData{
		Content: content[0], AllowedMentions: noMentions(), Flags: a.flags(in, r),
	}
	if len(content) == 1 {
		data.Components = buttons
		data.Files = files(r.File)
	}
	if !a.respond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}) {
		return
	}
	a.followUp(in, r, content[1:], buttons)
}

// deferResponse acknowledges an interaction whose work takes longer. It
// reports whether Discord took the acknowledgement. A command or form is
// deferred privately: whether its reply is for everyone is not known yet,
// and the "thinking…" message becomes the reply, seen by the actor alone.
// (What a command tells a whole group goes through the outbox anyway.)
func (a *Adapter) deferResponse(in interaction, k kind) bool {
	resp := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}
	if k == kindButton {
		// Nothing shows; the reply comes as a follow-up.
		resp = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	return a.respond(in, resp)
}

// respondLate completes a deferred interaction with the reply.
func (a *Adapter) respondLate(in interaction, k kind, o outcome, deferred bool) {
	if !deferred {
		// Too late even to defer: what was done is stored; tell the person
		// privately, since the interaction can no longer be answered.
		if o.reply != nil && o.err == nil {
			a.continuePrivately(in, o.reply, false)
		}
		return
	}
	r := o.reply
	if o.err != nil {
		r = a.textReply(flows.ErrInternal, in.lang, true)
	}
	if r == nil {
		if k == kindButton {
			return
		}
		r = a.textReply(flows.MsgDone, in.lang, true)
	}
	if r.Form != nil && k == kindButton {
		// A form can only be the first answer: the person presses again
		// (an anonymous answer must not go to the direct messages, whose
		// history the bot's token can read).
		a.pressAgain(in, r)
		return
	}
	if r.Form != nil || (r.Asks && !in.private()) {
		a.continuePrivately(in, r, true)
		return
	}
	content := parts(r.Text)
	buttons, _ := a.components(r.Buttons)
	if k == kindButton {
		a.followUp(in, r, content, buttons)
		return
	}
	if !r.Private && !in.private() {
		// For everyone: posted in the channel, as the answer would have
		// been; the private "thinking…" says it is done.
		if _, err := a.sendReply(a.bg, in.ChannelID, r); err != nil {
			a.log.Warn("post a deferred answer failed", "err", a.redact(err))
			r = a.textReply(flows.MsgTryAgain, r.Lang, true)
		} else {
			r = a.textReply(flows.MsgDone, r.Lang, true)
		}
		content, buttons = parts(r.Text), nil
	}
	// The "thinking…" message becomes the reply.
	first := content[0]
	edit := &discordgo.WebhookEdit{Content: &first, AllowedMentions: noMentions()}
	if len(content) == 1 {
		edit.Components = &buttons
		edit.Files = files(r.File)
	}
	if _, err := a.gateway.InteractionResponseEdit(in.Interaction, edit); err != nil {
		a.log.Warn("complete a deferred answer failed", "err", a.redact(err))
		return
	}
	a.followUp(in, r, content[1:], buttons)
}

// followUp sends the rest of a reply as follow-up messages, buttons and
// file with the last.
func (a *Adapter) followUp(in interaction, r *bot.Reply, rest []string, buttons []discordgo.MessageComponent) {
	for i, text := range rest {
		params := &discordgo.WebhookParams{Content: text, AllowedMentions: noMentions(), Flags: a.flags(in, r)}
		if i == len(rest)-1 {
			params.Components = buttons
			params.Files = files(r.File)
		}
		if _, err := a.gateway.FollowupMessageCreate(in.Interaction, true, params); err != nil {
			a.log.Warn("send the rest of an answer failed", "err", a.redact(err))
			return
		}
	}
}

// continuePrivately sends the reply in the person's direct messages, and
// says so where they acted: at once as the first answer (the direct
// message may wait for a rate limit; Discord does not), or, deferred, as a
// follow-up once it is sent.
func (a *Adapter) continuePrivately(in interaction, r *bot.Reply, deferred bool) {
	if !deferred {
		a.respondText(in, flows.MsgSentPrivately, true)
	}
	ctx := a.bg
	channel, err := a.dmChannel(ctx, in.user.ID)
	if err == nil {
		_, err = a.sendReply(ctx, channel, r)
	}
	key := flows.MsgSentPrivately
	switch {
	case err == nil && !deferred:
		return
	case errors.Is(sendError(err), bot.ErrUndeliverable):
		key = flows.MsgDMClosed
	case err != nil:
		a.log.Warn("send privately failed", "err", a.redact(err))
		key = flows.MsgTryAgain
	}
	text := parts(a.textReply(key, r.Lang, true).Text)[0]
	if _, err := a.gateway.FollowupMessageCreate(in.Interaction, true, &discordgo.WebhookParams{
		Content: text, AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsEphemeral,
	}); err != nil {
		a.log.Warn("say where the answer went failed", "err", a.redact(err))
	}
}

// pressAgain offers the button once more, to someone whose form could not
// open because the work behind it took too long.
func (a *Adapter) pressAgain(in interaction, r *bot.Reply) {
	data, ok := in.Data.(discordgo.MessageComponentInteractionData)
	if !ok {
		return
	}
	text := parts(a.textReply(flows.MsgFormPressAgain, r.Lang, true).Text)[0]
	button := discordgo.Button{Label: truncate(r.Form.Title, maxButtonLabel), Style: discordgo.PrimaryButton, CustomID: data.CustomID}
	if _, err := a.gateway.FollowupMessageCreate(in.Interaction, true, &discordgo.WebhookParams{
		Content: text, AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsEphemeral,
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{button}}},
	}); err != nil {
		a.log.Warn("offer the form again failed", "err", a.redact(err))
	}
}

// flags makes a reply ephemeral when it is for the actor alone in a
// server channel; no reply gets a link preview (noEmbeds).
func (a *Adapter) flags(in interaction, r *bot.Reply) discordgo.MessageFlags {
	if r.Private && !in.private() {
		return discordgo.MessageFlagsEphemeral | noEmbeds
	}
	return noEmbeds
}

// noEmbeds keeps Discord from fetching the links in the bot's messages
// for a preview: a dashboard link carries a token, and a link in a
// relayed answer is the writer's, not something to fetch for everyone.
const noEmbeds = discordgo.MessageFlagsSuppressEmbeds

// respondText answers with one catalog text (when not answered yet).
func (a *Adapter) respondText(in interaction, key flows.MsgKey, private bool) {
	r := a.textReply(key, in.lang, private)
	a.respond(in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: parts(r.Text)[0], AllowedMentions: noMentions(), Flags: a.flags(in, r)},
	})
}

func (a *Adapter) textReply(key flows.MsgKey, lang string, private bool) *bot.Reply {
	return &bot.Reply{Private: private, Text: a.core.Renderer().Line(flows.L(key), lang), Lang: lang}
}

// respond sends an interaction's first answer; it reports success. An
// answer that failed is logged once: the interaction is gone (answered
// already, or too late), and what was done is stored.
func (a *Adapter) respond(in interaction, resp *discordgo.InteractionResponse) bool {
	ctx, cancel := context.WithTimeout(a.bg, 3*time.Second)
	defer cancel()
	if err := a.gateway.InteractionRespond(in.Interaction, resp, discordgo.WithContext(ctx)); err != nil {
		a.log.Warn("answer an interaction failed", "type", int(resp.Type), "err", a.redact(err))
		return false
	}
	return true
}

// languageOf maps a Discord locale to a catalog language.
func languageOf(locale string) string {
	if len(locale) >= 2 && locale[:2] == "en" {
		return "en"
	}
	return flows.DefaultLanguage
}
