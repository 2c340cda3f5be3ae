package telegram

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/samen-bot/samen/flows"
)

// Telegram's limits on what a button and a deep link carry.
const (
	maxCallbackData = 64 // bytes
	maxStartPayload = 64 // characters of A-Z a-z 0-9 _ -
)

// sigBytes is how much of the HMAC a button carries: 64 bits, enough that
// guessing a valid one is hopeless, short enough to leave room for the intent.
const sigBytes = 8

// buttonCodec writes a button's intent into callback data and reads it back,
// refusing data it did not sign: a client cannot forge or alter a button.
type buttonCodec struct{ key []byte }

var errButtonTooLong = errors.New("button data longer than Telegram allows")

// encode is "do|process|n|group|arg~sig".
func (c buttonCodec) encode(in flows.Intent) (string, error) {
	fields := []string{in.Do, in.Process, strconv.Itoa(in.N), string(in.Group), in.Arg}
	for _, f := range fields {
		if strings.ContainsAny(f, "|~") {
			return "", fmt.Errorf("button field %q contains a separator", f)
		}
	}
	body := strings.Join(fields, "|")
	data := body + "~" + c.sign(body)
	if len(data) > maxCallbackData {
		return "", fmt.Errorf("%w: %d bytes for %s", errButtonTooLong, len(data), in.Do)
	}
	return data, nil
}

func (c buttonCodec) decode(data string) (flows.Intent, bool) {
	body, sig, ok := strings.Cut(data, "~")
	if !ok || !hmac.Equal([]byte(sig), []byte(c.sign(body))) {
		return flows.Intent{}, false
	}
	f := strings.Split(body, "|")
	if len(f) != 5 {
		return flows.Intent{}, false
	}
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return flows.Intent{}, false
	}
	return flows.Intent{Do: f[0], Process: f[1], N: n, Group: flows.GroupID(f[3]), Arg: f[4]}, true
}

func (c buttonCodec) sign(body string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:sigBytes])
}

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
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("deep link for " + strconv.FormatInt(user, 10)))
	return buttonCodec{key: m.Sum(nil)}
}
