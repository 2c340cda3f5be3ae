package telegram

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/samen-bot/samen/flows"
)

// Platform is the prefix of Telegram chat and user ids in the core.
const Platform = "tg"

// chatID names a Telegram chat in the core: "tg:<chat>", or for one topic
// of a forum "tg:<chat>/<thread>", so that a topic can be a group of its own.
func chatID(chat int64, thread int) flows.ChatID {
	if thread != 0 {
		return flows.ChatID(fmt.Sprintf("%s:%d/%d", Platform, chat, thread))
	}
	return flows.ChatID(fmt.Sprintf("%s:%d", Platform, chat))
}

// parseChat reads a chat id written by chatID.
func parseChat(id string) (chat int64, thread int, err error) {
	rest, ok := strings.CutPrefix(id, Platform+":")
	if !ok {
		return 0, 0, fmt.Errorf("not a Telegram chat: %q", id)
	}
	c, t, hasThread := strings.Cut(rest, "/")
	if chat, err = strconv.ParseInt(c, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("not a Telegram chat: %q", id)
	}
	if hasThread {
		if thread, err = strconv.Atoi(t); err != nil {
			return 0, 0, fmt.Errorf("not a Telegram topic: %q", id)
		}
	}
	return chat, thread, nil
}

func userID(id int64) flows.UserID { return flows.UserID(fmt.Sprintf("%s:%d", Platform, id)) }

// parseUser reads a user id written by userID; a person's private chat
// with the bot has the same number.
func parseUser(id string) (int64, error) {
	rest, ok := strings.CutPrefix(id, Platform+":")
	if !ok {
		return 0, fmt.Errorf("not a Telegram user: %q", id)
	}
	return strconv.ParseInt(rest, 10, 64)
}
