package discord

import (
	"fmt"
	"strings"

	"github.com/samen-bot/samen/flows"
)

// Platform is the prefix of Discord chat and user ids in the core.
const Platform = "dc"

// chatID names a channel or thread in the core.
func chatID(channel string) flows.ChatID { return flows.ChatID(Platform + ":" + channel) }

func userID(user string) flows.UserID { return flows.UserID(Platform + ":" + user) }

// parseID reads an id written by chatID or userID: Discord's snowflakes
// are decimal numbers.
func parseID(id string) (string, error) {
	rest, ok := strings.CutPrefix(id, Platform+":")
	if !ok || rest == "" || strings.Trim(rest, "0123456789") != "" {
		return "", fmt.Errorf("not a Discord id: %q", id)
	}
	return rest, nil
}
