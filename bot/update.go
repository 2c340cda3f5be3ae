package bot

import "github.com/samen-bot/samen/flows"

// Update is one inbound action, as an adapter translates it from its
// platform. Adapters keep raw platform payloads only until the update is
// handled; an Update carries no more than this.
type Update struct {
	// Key is unique per platform action and the same on redelivery (Telegram:
	// bot id + update_id; Discord: the interaction or message id). It is
	// stored only as a keyed hash.
	Key  string
	Chat flows.Chat
	User flows.UserID
	// Name is the person's first name on the platform (never the handle).
	Name string
	Text string
	// BotName is this bot's username on the platform, to tell /cmd@us from
	// /cmd@another_bot.
	BotName string
	// ReplyToBot and ReplyToOther say what the message replies to.
	ReplyToBot   bool
	ReplyToOther bool
	// ReplyToMessage is the platform id of the bot's message replied to, so
	// that an answer to a round's message finds that round, even closed.
	ReplyToMessage string
	// ReplyToUser is the author of the message replied to (ReplyToOther).
	ReplyToUser flows.UserID
	// Mentions are the people the message mentions, as far as the platform
	// resolves them to accounts.
	Mentions []flows.UserID
	// Button is a pressed button's intent, already decoded and verified by
	// the adapter.
	Button *flows.Intent
	// Forms says the platform shows a reply's Form as a form: what the bot
	// then waits for comes through that form only.
	Forms bool
	// Fields are the texts of a submitted form (Reply.Form), in order,
	// given with the Button that asked for them. Each is taken as the
	// private text the button waited for.
	Fields []string
	// Retained marks a private message the platform keeps where the bot's
	// token can read it back (Discord's direct messages): it must not
	// carry an anonymous answer, which goes through a form instead.
	Retained bool
	// Unreadable marks a message whose text the platform withheld (on
	// Discord, a reply that does not mention the bot): the person is told
	// how to answer instead.
	Unreadable bool
	// Edited marks an edit of an earlier message.
	Edited bool
	// Process, when set, is the process the update acts on: the dashboard
	// shows one process and acts on it, whatever the person's current
	// process is. Set only by a caller that checked the person's role.
	Process string
	// Attachment names non-text content ("photo", "voice", "sticker", …).
	Attachment string
}

func (u *Update) actor() flows.Actor {
	return flows.Actor{User: u.User, Name: u.Name, Chat: u.Chat}
}
