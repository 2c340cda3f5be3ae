package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/samen-bot/samen/bot"
)

// Discord's error codes the adapter acts on.
const (
	codeUnknownChannel   = 10003
	codeUnknownMessage   = 10008
	codeMissingAccess    = 50001
	codeCannotDMUser     = 50007
	codeMissingPermision = 50013
)

// Deliver sends (or edits) one message from the outbox: the core's
// bot.Transport. A route whose rate limit is used up is not waited for
// here (that would hold up every other chat): it returns *bot.RetryLater,
// as it does for a 429. It wraps bot.ErrUndeliverable when Discord will
// never take the message (the channel is gone, or closed to the bot).
func (a *Adapter) Deliver(ctx context.Context, m bot.OutMessage) (string, error) {
	channel, err := a.destination(ctx, m)
	if err != nil {
		return "", err
	}
	buttons, err := a.components(m.Buttons)
	if err != nil && !errors.Is(err, errTooManyButtons) {
		return "", fmt.Errorf("%w: %v", bot.ErrUndeliverable, err)
	}
	content := parts(m.Text)
	if m.EditID != "" {
		if wait := a.bucketWait(discordgo.EndpointChannelMessage(channel, "")); wait > 0 {
			return "", &bot.RetryLater{After: wait}
		}
		last := content[len(content)-1]
		edit := discordgo.NewMessageEdit(channel, m.EditID).SetContent(last)
		edit.Components, edit.AllowedMentions = &buttons, noMentions()
		_, err := a.rest.ChannelMessageEditComplex(edit, discordgo.WithContext(ctx))
		if err == nil {
			return m.EditID, nil
		}
		if !hasCode(err, codeUnknownMessage) {
			return "", a.sendError(err)
		}
		// The message is gone: post it anew.
	}
	if wait := a.bucketWait(discordgo.EndpointChannelMessages(channel)); wait > 0 {
		return "", &bot.RetryLater{After: wait}
	}
	var last string
	for i, text := range content {
		var send *discordgo.MessageSend
		send = &discordgo.MessageSend{Content: text, AllowedMentions: noMentions(), Flags: noEmbeds}
		if i == len(content)-1 {
			send.Components = buttons
		}
		if i == 0 {
			// The first part may wait in the sender's queue like any message.
			msg, err := a.rest.ChannelMessageSendComplex(channel, send, discordgo.WithContext(ctx))
			if err != nil {
				return "", a.sendError(err)
			}
			last = msg.ID
			continue
		}
		// Once a part is out, the rest follow here: retrying the entry
		// would send the first part again.
		id, err := a.sendPatiently(ctx, channel, send)
		if err != nil {
			return last, err
		}
		last = id
	}
	if strings.HasPrefix(m.Ref, "round/") && m.Chat != "" {
		// Replies to a round's message are answers: caught up on after an
		// outage, from this message on.
		if a.newer(ctx, channel, last) {
			a.markSeen(ctx, roundChannelsKey, channel, last, roundCatchUp)
		}
		if a.cfg.RoundThreads && m.EditID == "" {
			a.openThread(ctx, channel, last, content[0])
		}
	}
	return last, nil
}

// destination is the channel an outbound message goes to.
func (a *Adapter) destination(ctx context.Context, m bot.OutMessage) (string, error) {
	if m.User != "" {
		user, err := parseID(m.User)
		if err != nil {
			return "", fmt.Errorf("%w: %v", bot.ErrUndeliverable, err)
		}
		if _, known := a.dms.Load(user); !known {
			// Opening the channel is a request of its own: it must not
			// sleep in discordgo's limiter either.
			if wait := a.bucketWait(discordgo.EndpointUserChannels("")); wait > 0 {
				return "", &bot.RetryLater{After: wait}
			}
		}
		channel, err := a.dmChannel(ctx, user)
		if err != nil {
			return "", a.sendError(err)
		}
		return channel, nil
	}
	channel, err := parseID(m.Chat)
	if err != nil {
		return "", fmt.Errorf("%w: %v", bot.ErrUndeliverable, err)
	}
	return channel, nil
}

// dmChannel is the direct message channel with a person, opened once.
func (a *Adapter) dmChannel(ctx context.Context, user string) (string, error) {
	if v, ok := a.dms.Load(user); ok {
		return v.(string), nil
	}
	if id, err := a.store.Index(ctx, dmKey(user)); err == nil {
		a.dms.Store(user, id)
		return id, nil
	}
	ch, err := a.rest.UserChannelCreate(user, discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	a.dms.Store(user, ch.ID)
	if err := a.store.SetIndex(ctx, dmKey(user), ch.ID); err != nil {
		a.log.WarnContext(ctx, "remember a direct message channel failed", "err", err)
	}
	return ch.ID, nil
}

// sendReply sends a reply (split if long, buttons and file with the last
// part) in a channel, waiting a little for a rate limit.
func (a *Adapter) sendReply(ctx context.Context, channel string, r *bot.Reply) (string, error) {
	buttons, err := a.components(r.Buttons)
	if err != nil && !errors.Is(err, errTooManyButtons) {
		return "", err
	}
	content := parts(r.Text)
	var last string
	for i, text := range content {
		send := &discordgo.MessageSend{Content: text, AllowedMentions: noMentions(), Flags: noEmbeds}
		if i == len(content)-1 {
			send.Components = buttons
			send.Files = files(r.File)
		}
		if last, err = a.sendPatiently(ctx, channel, send); err != nil {
			return "", err
		}
	}
	return last, nil
}

// sendPatiently sends one message directly (bot.SendDirect), waiting a
// little for a rate limit.
func (a *Adapter) sendPatiently(ctx context.Context, channel string, send *discordgo.MessageSend) (string, error) {
	return bot.SendDirect(ctx, a.bg, a.log, a.redact, func(ctx context.Context) (string, error) {
		msg, err := a.rest.ChannelMessageSendComplex(channel, send, discordgo.WithContext(ctx))
		if err != nil {
			return "", a.sendError(err)
		}
		return msg.ID, nil
	})
}

// openThread starts a thread on a round's message, named after it.
func (a *Adapter) openThread(ctx context.Context, channel, message, content string) {
	name, _, _ := strings.Cut(content, "\n")
	name = strings.NewReplacer("\\", "", "*", "").Replace(name)
	if strings.TrimSpace(name) == "" {
		return
	}
	_, err := a.rest.MessageThreadStartComplex(channel, message, &discordgo.ThreadStart{Name: truncate(name, 100), AutoArchiveDuration: 1440}, discordgo.WithContext(ctx))
	if err != nil {
		a.log.WarnContext(ctx, "open a thread on a round's message failed", "err", a.redact(err))
	}
}

// bucketWait is how long discordgo would wait before using a route (its
// bucket is used up, or a global limit was hit): the outbox asks again
// after that instead of blocking in discordgo.
func (a *Adapter) bucketWait(route string) time.Duration {
	rl := a.rest.Ratelimiter
	b := rl.GetBucket(route)
	b.Lock()
	defer b.Unlock()
	return rl.GetWaitTime(b, 1)
}

// sendError is the package's sendError, counting a 429 (Config.RateLimited).
func (a *Adapter) sendError(err error) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && a.cfg.RateLimited != nil {
		a.cfg.RateLimited()
	}
	return sendError(err)
}

// sendError maps a failed send to what the sender does with it.
func sendError(err error) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		return &bot.RetryLater{After: max(rl.RetryAfter, 50*time.Millisecond)}
	}
	// A request Discord refuses for what it is (400: a locked thread, a
	// malformed message) will never be taken: retrying it would hold up
	// every later message to the chat. A 401 is not among them: the token
	// was reset, and the messages wait for the right one.
	if hasCode(err, codeUnknownChannel, codeMissingAccess, codeCannotDMUser, codeMissingPermision) ||
		isStatus(err, http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusRequestEntityTooLarge) {
		return fmt.Errorf("%w: %v", bot.ErrUndeliverable, err)
	}
	return err
}

func hasCode(err error, codes ...int) bool {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil {
		return false
	}
	for _, c := range codes {
		if re.Message.Code == c {
			return true
		}
	}
	return false
}

func isStatus(err error, statuses ...int) bool {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		return false
	}
	for _, s := range statuses {
		if re.Response.StatusCode == s {
			return true
		}
	}
	return false
}

// onChannelDelete and onThreadDelete tell the facilitators of a process
// that one of its chats is gone.
func (a *Adapter) onChannelDelete(e *discordgo.ChannelDelete) {
	a.loseChat(e.Channel)
}

func (a *Adapter) onThreadDelete(e *discordgo.ThreadDelete) {
	a.loseChat(e.Channel)
}

func (a *Adapter) loseChat(ch *discordgo.Channel) {
	if ch == nil || ch.ID == "" {
		return
	}
	a.guilds.forget(ch.GuildID, ch.ID)
	a.loseChats([]string{ch.ID}, "dc:deleted:")
}

func (a *Adapter) loseChats(channels []string, key string) {
	a.spawn(func() {
		for _, id := range channels {
			if err := a.core.LoseChat(a.bg, chatID(id), key+id); err != nil {
				a.log.Warn("tell the facilitators about a lost channel failed", "err", err)
			}
		}
	})
}

var _ bot.Transport = (*Adapter)(nil)
