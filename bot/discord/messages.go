package discord

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// What the adapter keeps in the store to catch up after an outage: the
// channels whose messages matter (direct messages; channels with a round's
// message, whose replies are answers), and in each the last message
// handled. After a new session each is read for what came after it.
const (
	dmChannelsKey    = "discord:dm-channels"
	roundChannelsKey = "discord:round-channels"
	// A direct message channel is caught up on for a day after its last
	// message; a round's channel for as long as a round usually runs.
	dmCatchUp    = 25 * time.Hour
	roundCatchUp = 8 * 24 * time.Hour
)

func lastSeenKey(channel string) string { return "discord:last:" + channel }
func dmKey(user string) string          { return "discord:dm:" + user }

// onMessage takes direct messages (the private chat: answers the bot
// waits for, /start CODE) and, in servers, replies to the bot's messages
// that mention it (the only guild messages whose text a bot without the
// Message Content intent can read).
func (a *Adapter) onMessage(m *discordgo.MessageCreate) {
	if m.Author == nil || m.Author.Bot || m.Author.System {
		return
	}
	msg := m.Message
	if m.GuildID == "" {
		a.serial.do(m.ChannelID, func() {
			defer a.recoverPanic("direct message")
			a.onDirect(a.bg, msg)
		})
		return
	}
	if !a.repliesToUs(msg) {
		if ref := msg.ReferencedMessage; ref != nil && ref.Author != nil && ref.Author.ID == a.botID {
			// A reply to the bot it cannot read (it did not mention the
			// bot): the person would think they answered. The core says
			// how to, if the channel is a group of a process.
			a.serial.do(m.ChannelID, func() { a.answerReply(a.bg, msg, "dc:m:"+msg.ID, false, true) })
		}
		return
	}
	a.serial.do(m.ChannelID, func() {
		defer a.recoverPanic("reply")
		a.onReply(a.bg, msg)
	})
}

// repliesToUs reports whether a server message is a reply to the bot with
// text to read.
func (a *Adapter) repliesToUs(m *discordgo.Message) bool {
	ref := m.ReferencedMessage
	return ref != nil && ref.Author != nil && ref.Author.ID == a.botID && a.replyText(m) != ""
}

// onMessageUpdate takes edits: of a reply that answered a round, a new
// version of the answer (as on Telegram); of a direct message, a kind word
// that an edit is not taken (it could be anything the bot asked for).
func (a *Adapter) onMessageUpdate(e *discordgo.MessageUpdate) {
	m := e.Message
	if m == nil || m.Author == nil || m.Author.Bot || m.EditedTimestamp == nil {
		return // not an edit by a person (embeds resolved, a pin, …)
	}
	key := "dc:e:" + m.ID + ":" + m.EditedTimestamp.UTC().Format(time.RFC3339Nano)
	switch {
	case e.GuildID == "":
		a.serial.do(m.ChannelID, func() { a.explainEdit(a.bg, m) })
	case a.repliesToUs(m):
		a.serial.do(m.ChannelID, func() { a.answerReply(a.bg, m, key, true, false) })
	}
}

func (a *Adapter) explainEdit(ctx context.Context, m *discordgo.Message) {
	text := a.core.Renderer().Line(flows.L(flows.MsgEditedPrivately), flows.DefaultLanguage)
	if _, err := a.sendReply(ctx, m.ChannelID, &bot.Reply{Private: true, Text: text}); err != nil {
		a.log.WarnContext(ctx, "explain an edited direct message failed", "err", a.redact(err))
	}
}

// onDirect handles one direct message and answers it there.
func (a *Adapter) onDirect(ctx context.Context, m *discordgo.Message) {
	if !a.newer(ctx, m.ChannelID, m.ID) {
		return // handled before a reconnect, and fetched again
	}
	a.dms.Store(m.Author.ID, m.ChannelID)
	u := &bot.Update{
		Key:  "dc:m:" + m.ID,
		Chat: flows.Chat{ID: flows.ChatID(userID(m.Author.ID)), Private: true},
		User: userID(m.Author.ID),
		Name: displayName(m.Author, nil),
		Text: m.Content,
		// Discord keeps direct messages, readable with the bot's token.
		Retained: true,
	}
	if len(m.Attachments) > 0 || len(m.StickerItems) > 0 {
		// Text is needed; a caption alone is not taken as the answer
		// while the photo is dropped without a word.
		u.Attachment = "document"
	}
	reply, err := a.core.Handle(ctx, u)
	if err != nil {
		return // the context ended; the message is read again after a restart
	}
	a.markSeen(ctx, dmChannelsKey, m.ChannelID, m.ID, dmCatchUp)
	if reply == nil {
		return
	}
	if _, err := a.sendReply(ctx, m.ChannelID, reply); err != nil {
		a.log.WarnContext(ctx, "reply to a direct message failed", "err", a.redact(err))
	}
}

// onReply takes a reply to one of the bot's messages in a channel: an
// answer to the round whose message it replies to.
func (a *Adapter) onReply(ctx context.Context, m *discordgo.Message) {
	if !a.newer(ctx, m.ChannelID, m.ID) {
		return
	}
	if a.answerReply(ctx, m, "dc:m:"+m.ID, false, false) {
		a.markSeen(ctx, roundChannelsKey, m.ChannelID, m.ID, roundCatchUp)
	}
}

// answerReply hands a reply (or its edit, or one whose text Discord
// withheld) to the core and answers it; it reports whether the core took
// it.
func (a *Adapter) answerReply(ctx context.Context, m *discordgo.Message, key string, edited, unreadable bool) bool {
	u := &bot.Update{
		Key:            key,
		Edited:         edited,
		Unreadable:     unreadable,
		Chat:           flows.Chat{ID: chatID(m.ChannelID)},
		User:           userID(m.Author.ID),
		Name:           displayName(m.Author, m.Member),
		Text:           a.replyText(m),
		ReplyToBot:     true,
		ReplyToMessage: m.ReferencedMessage.ID,
	}
	reply, err := a.core.Handle(ctx, u)
	if err != nil {
		return false
	}
	if reply == nil {
		return true
	}
	channel := m.ChannelID
	if reply.Private {
		if channel, err = a.dmChannel(ctx, m.Author.ID); err != nil {
			a.log.WarnContext(ctx, "open a direct message channel failed", "err", a.redact(err))
			return true
		}
	}
	if _, err := a.sendReply(ctx, channel, reply); err != nil {
		a.log.WarnContext(ctx, "reply in a channel failed", "err", a.redact(err))
	}
	return true
}

// replyText is a reply's text as the person meant it: without the mention
// of the bot that made it readable, and with other people's mentions as
// their names rather than "<@id>".
func (a *Adapter) replyText(m *discordgo.Message) string {
	text := m.Content
	for _, u := range m.Mentions {
		name := ""
		if u.ID != a.botID {
			name = "@" + displayName(u, nil)
		}
		text = strings.NewReplacer("<@"+u.ID+">", name, "<@!"+u.ID+">", name).Replace(text)
	}
	for _, id := range []string{"<@" + a.botID + ">", "<@!" + a.botID + ">"} {
		text = strings.ReplaceAll(text, id, "")
	}
	return strings.Join(strings.Fields(text), " ")
}

// catchUp queues, for each channel that matters (direct messages, and
// channels with a round, whose replies are answers), the reading and
// handling of what came after the last message handled there. It is
// queued in the channel's order, so a live message of the new session
// waits behind it rather than overtaking (and hiding) what was missed.
func (a *Adapter) catchUp(ctx context.Context) error {
	for _, set := range []struct {
		key    string
		handle func(context.Context, *discordgo.Message)
		wanted func(*discordgo.Message) bool
	}{
		{dmChannelsKey, a.onDirect, func(*discordgo.Message) bool { return true }},
		{roundChannelsKey, a.onReply, a.repliesToUs},
	} {
		channels, err := a.store.SetMembers(ctx, set.key)
		if err != nil {
			return err
		}
		for _, channel := range channels {
			key, handle, wanted := set.key, set.handle, set.wanted
			a.serial.do(channel, func() {
				if !a.catchesUp(ctx, key, channel) {
					return // another shard's: it catches up itself
				}
				for _, m := range a.missed(ctx, key, channel) {
					if m.Author != nil && !m.Author.Bot && wanted(m) {
						handle(ctx, m)
					}
				}
			})
		}
	}
	return nil
}

// Catching up reads pages of catchUpPage messages, trying a failed read
// catchUpTries times.
const (
	catchUpPage  = 100
	catchUpTries = 4
)

// missed reads a channel's messages after the last one handled, oldest
// first, every page of them.
func (a *Adapter) missed(ctx context.Context, set, channel string) []*discordgo.Message {
	last, err := a.store.Temp(ctx, lastSeenKey(channel))
	if err != nil {
		// Quiet for long enough: nothing to catch up on any more.
		_ = a.store.RemoveFromSet(ctx, set, channel)
		return nil
	}
	after := string(last)
	var out []*discordgo.Message
	for {
		var page []*discordgo.Message
		for try := 1; ; try++ {
			page, err = a.rest.ChannelMessages(channel, catchUpPage, "", after, "", discordgo.WithContext(ctx))
			if err == nil || try == catchUpTries || isStatus(err, http.StatusForbidden, http.StatusNotFound) {
				break
			}
			if bot.Sleep(ctx, time.Duration(try)*time.Second) != nil {
				return out
			}
		}
		if err != nil {
			a.log.WarnContext(ctx, "read missed messages failed", "err", a.redact(err))
			return out
		}
		sort.Slice(page, func(i, j int) bool { return snowflakeLess(page[i].ID, page[j].ID) })
		out = append(out, page...)
		if len(page) < catchUpPage {
			return out
		}
		after = page[len(page)-1].ID
	}
}

// newer reports whether message id comes after the last one handled in
// channel.
func (a *Adapter) newer(ctx context.Context, channel, id string) bool {
	last, err := a.store.Temp(ctx, lastSeenKey(channel))
	return err != nil || snowflakeLess(string(last), id)
}

// markSeen remembers the last message handled in a channel that is caught
// up on (one of set) for ttl.
func (a *Adapter) markSeen(ctx context.Context, set, channel, id string, ttl time.Duration) {
	if err := a.store.PutTemp(ctx, lastSeenKey(channel), []byte(id), ttl); err != nil {
		a.log.WarnContext(ctx, "remember the last message of a channel failed", "err", err)
	}
	if err := a.store.AddToSet(ctx, set, channel); err != nil {
		a.log.WarnContext(ctx, "remember a channel to catch up on failed", "err", err)
	}
}

// snowflakeLess orders Discord ids: decimal numbers, so a shorter one is
// smaller.
func snowflakeLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// displayName is the name a person goes by: their nickname in the server,
// else their display name, else their username.
func displayName(u *discordgo.User, m *discordgo.Member) string {
	switch {
	case m != nil && m.Nick != "":
		return m.Nick
	case u.GlobalName != "":
		return u.GlobalName
	}
	return u.Username
}
