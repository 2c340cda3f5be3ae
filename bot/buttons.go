package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/samen-bot/samen/flows"
)

// buttonSigBytes is how much of the HMAC a button carries: 64 bits, enough
// that guessing a valid one is hopeless, short enough to leave room for the
// intent in a platform's few bytes of button data.
const buttonSigBytes = 8

// ButtonCodec writes a button's intent into the data a platform hands back
// when the button is pressed, and reads it back, refusing data it did not
// sign: a client cannot forge or alter a button. Adapters check the length
// their platform allows.
type ButtonCodec struct{ Key []byte }

// Encode writes "do|process|n|group|arg~sig".
func (c ButtonCodec) Encode(in flows.Intent) (string, error) {
	fields := []string{in.Do, in.Process, strconv.Itoa(in.N), string(in.Group), in.Arg}
	for _, f := range fields {
		if strings.ContainsAny(f, "|~") {
			return "", fmt.Errorf("button field %q contains a separator", f)
		}
	}
	body := strings.Join(fields, "|")
	return body + "~" + c.sign(body), nil
}

// Decode reads data written by Encode with the same key.
func (c ButtonCodec) Decode(data string) (flows.Intent, bool) {
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

// ForUser is the codec of data meant for one person only (a link to open a
// private chat): data signed for one person does not decode for another.
func (c ButtonCodec) ForUser(user string) ButtonCodec {
	m := hmac.New(sha256.New, c.Key)
	m.Write([]byte("deep link for " + user))
	return ButtonCodec{Key: m.Sum(nil)}
}

func (c ButtonCodec) sign(body string) string {
	m := hmac.New(sha256.New, c.Key)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:buttonSigBytes])
}
