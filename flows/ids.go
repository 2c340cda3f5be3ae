package flows

import "strings"

// UserID identifies an account on a platform: "tg:12345", "dc:8123…",
// "sim:wim". The prefix names the platform; the engine treats it as opaque.
type UserID string

// ChatID identifies a chat on a platform: "tg:-100123", a forum topic
// "tg:-100123/7", a Discord channel or thread "dc:9876…".
type ChatID string

// Platform returns the prefix of a user or chat id ("tg", "dc", "sim").
func Platform(id string) string {
	p, _, _ := strings.Cut(id, ":")
	return p
}

// GroupID identifies a group (partij) within a process: "g1", "g2", …
type GroupID string

// Chat is where an action happened.
type Chat struct {
	ID      ChatID
	Private bool   // a private chat between one person and the bot
	Title   string // the platform's chat title, if any
}

// Actor is who did something, and where.
type Actor struct {
	User UserID
	// Name is the name the platform gives (the first name), used until the
	// person chooses another; never the platform handle.
	Name string
	Chat Chat
}

// Platform names the platform the group's chat is on, as a catalog key.
func (g *Group) Platform() MsgKey {
	return MsgKey("platform." + Platform(string(g.Chat)))
}
