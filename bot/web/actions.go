package web

import (
	"context"
	"errors"
	"strings"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// Result is what an action shows the person who took it, besides the
// messages it added to the chats.
type Result struct {
	// Notice is a short text for the actor alone (a refusal, "sent to
	// your private chat").
	Notice string `json:"notice,omitempty"`
	// Form is the form the bot now asks the actor to fill in.
	Form *pendingForm `json:"form,omitempty"`
}

// errRefused is an action the page should not have allowed (an unknown
// person or chat): no update reaches the core.
var errRefused = errors.New("web: refused")

// place checks that as is a person and chat a room or as's own private
// chat, and returns them as the core names them.
func (p *Playground) place(as, chat string) (entity, flows.Chat, error) {
	who, ok := p.person(as)
	if !ok {
		return entity{}, flows.Chat{}, errRefused
	}
	id, ok := strings.CutPrefix(chat, Platform+":")
	if !ok {
		return entity{}, flows.Chat{}, errRefused
	}
	if id == who.ID {
		return who, flows.Chat{ID: flows.ChatID(userID(id)), Private: true}, nil
	}
	room, ok := p.room(id)
	if !ok {
		return entity{}, flows.Chat{}, errRefused
	}
	return who, flows.Chat{ID: chatID(room.ID), Title: room.Name}, nil
}

// Say is a person typing text in a chat; replyTo, when set, is the id of
// the bot's message it replies to (an answer to a round).
func (p *Playground) Say(ctx context.Context, as, chat, text, replyTo string) (Result, error) {
	who, c, err := p.place(as, chat)
	if err != nil {
		return Result{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return Result{}, nil
	}
	u := p.update(who, c)
	u.Text = text
	// What is typed in a private chat stays in this page's log, beside the
	// person's name: an anonymous answer goes through a form instead.
	u.Retained = c.Private
	if replyTo != "" {
		p.mu.Lock()
		m := p.find(string(c.ID), replyTo)
		p.mu.Unlock()
		if m == nil || m.From != "" {
			return Result{}, errRefused
		}
		u.ReplyToBot, u.ReplyToMessage = true, replyTo
	}
	for _, word := range strings.Fields(text) {
		if name, ok := strings.CutPrefix(word, "@"); ok {
			if e, ok := p.person(strings.TrimRight(name, ".,;:!?")); ok {
				u.Mentions = append(u.Mentions, userID(e.ID))
			}
		}
	}
	p.appendMessage(string(c.ID), &Message{From: who.Name, Text: bot.Rich{{Text: text}}})
	return p.handle(ctx, who, c, u)
}

// Press is a person pressing a button whose signed data is data. Data the
// bot did not sign is refused with a kind notice, and nothing changes.
func (p *Playground) Press(ctx context.Context, as, chat, data string) (Result, error) {
	who, c, err := p.place(as, chat)
	if err != nil {
		return Result{}, err
	}
	intent, ok := p.codec.Decode(data)
	if !ok {
		return Result{Notice: p.words(ctx, who.ID).text(flows.ErrButtonExpired)}, errForged
	}
	u := p.update(who, c)
	u.Button = &intent
	return p.handle(ctx, who, c, u)
}

// errForged is button or form data the bot did not sign.
var errForged = errors.New("web: button data not signed by the bot")

// Submit is a person sending the form whose signed data is data, with its
// fields' texts in order.
func (p *Playground) Submit(ctx context.Context, as, chat, data string, fields []string) (Result, error) {
	who, c, err := p.place(as, chat)
	if err != nil {
		return Result{}, err
	}
	intent, ok := p.codec.Decode(data)
	if !ok || len(fields) == 0 {
		return Result{Notice: p.words(ctx, who.ID).text(flows.MsgFormUnreadable)}, errForged
	}
	p.Dismiss(who.ID)
	u := p.update(who, c)
	u.Button, u.Fields = &intent, fields
	return p.handle(ctx, who, c, u)
}

// Dismiss closes the form shown to a person, unanswered.
func (p *Playground) Dismiss(as string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.forms, as)
}

// Form returns the form shown to a person, if any.
func (p *Playground) Form(as string) *pendingForm {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.forms[as]
}

func (p *Playground) update(who entity, c flows.Chat) *bot.Update {
	// Forms: what the bot asks for with a form comes through the page's
	// form, as on Discord.
	return &bot.Update{Key: p.key(), Chat: c, User: userID(who.ID), Name: who.Name, Forms: true}
}

// handle gives u to the core and shows the reply: a form to fill in, or a
// message in the chat (for everyone) or in the actor's private chat (for
// them alone, or when the bot waits for their private text). Then it sends
// what the core queued.
func (p *Playground) handle(ctx context.Context, who entity, c flows.Chat, u *bot.Update) (Result, error) {
	defer p.flush(ctx)
	reply, err := p.core.Handle(ctx, u)
	failed := func(err error) (Result, error) {
		return Result{Notice: p.words(ctx, who.ID).text(flows.ErrInternal)}, err
	}
	if err != nil {
		return failed(err)
	}
	if reply == nil {
		return Result{}, nil
	}
	if reply.Form != nil {
		data, err := p.codec.Encode(reply.Form.Intent())
		if err != nil {
			return failed(err)
		}
		f := &pendingForm{Chat: string(c.ID), Data: data, Form: reply.Form}
		p.mu.Lock()
		p.forms[who.ID] = f
		p.mu.Unlock()
		return Result{Form: f}, nil
	}
	buttons, err := p.buttons(reply.Buttons)
	if err != nil {
		return failed(err)
	}
	m := &Message{Text: reply.Text, Buttons: buttons, File: reply.File}
	if reply.File != nil {
		m.FileName = reply.File.Name
	}
	if c.Private || !(reply.Private || reply.Asks) {
		p.appendMessage(string(c.ID), m)
		return Result{}, nil
	}
	p.appendMessage(string(userID(who.ID)), m)
	return Result{Notice: newWords(p.core.Renderer(), reply.Lang).text(flows.MsgSentPrivately)}, nil
}

// words are the texts shown to the person as (an id part): in their own
// language (/lang), else Dutch.
func (p *Playground) words(ctx context.Context, as string) words {
	return newWords(p.core.Renderer(), p.core.PersonalLanguage(ctx, userID(as)))
}
