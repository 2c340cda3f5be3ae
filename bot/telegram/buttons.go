package telegram

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// Telegram's limits on what a button and a deep link carry.
const (
	maxCallbackData = 64 // bytes
	maxStartPayload = 64 // characters of A-Z a-z 0-9 _ -
)

// buttonCodec writes a button's intent into callback data, signed
// (bot.ButtonCodec), within Telegram's 64 bytes.
type buttonCodec struct{ key []byte }

var errButtonTooLong = errors.New("button data longer than Telegram allows")

func (c buttonCodec) signed() bot.ButtonCodec { return bot.ButtonCodec{Key: c.key} }

func (c buttonCodec) encode(in flows.Intent) (string, error) {
	data, err := c.signed().Encode(in)
	if err != nil {
		return "", err
	}
	if len(data) > maxCallbackData {
		return "", fmt.Errorf("%w: %d bytes for %s", errButtonTooLong, len(data), in.Do)
	}
	return data, nil
}

func (c buttonCodec) decode(data string) (flows.Intent, bool) { return c.signed().Decode(data) }

// startPayload carries a button's intent through a deep link
// (t.me/<bot>?start=<payload>), for someone who has to open a private chat
// first. The link works for that person only: its signature covers their
// id, so a forwarded link opens nothing. It is "" when the intent does not
// fit: the person then presses the button again once the chat is open.
func (c buttonCodec) startPayload(in flows.Intent, user int64) string {
	data, err := c.forUser(user).encode(in)
	if err != nil {
		return ""
	}
	p := base64.RawURLEncoding.EncodeToString([]byte(data))
	if len(p) > maxStartPayload {
		return ""
	}
	return p
}

// fromStartPayload reads an intent from a deep link's payload, sent by user.
func (c buttonCodec) fromStartPayload(p string, user int64) (flows.Intent, bool) {
	data, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return flows.Intent{}, false
	}
	return c.forUser(user).decode(string(data))
}

// forUser is the codec of links meant for one person.
func (c buttonCodec) forUser(user int64) buttonCodec {
	return buttonCodec{key: c.signed().ForUser(strconv.FormatInt(user, 10)).Key}
}
