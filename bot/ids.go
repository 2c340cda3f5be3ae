package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"strconv"
	"strings"
)

// codeAlphabet has no 0/O, 1/I/L: codes are read aloud and typed on phones.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// derivedCode returns n characters derived from the update's key with the
// secret: the same on redelivery (so a repeated /new finds its own process
// and replays), and unpredictable to anyone without the secret.
func (b *Bot) derivedCode(purpose, updateKey string, attempt, n int) string {
	mac := hmac.New(sha256.New, b.secret)
	mac.Write([]byte(purpose + "\x00" + updateKey + "\x00" + strconv.Itoa(attempt)))
	sum := mac.Sum(nil)
	var out strings.Builder
	for i := range n {
		out.WriteByte(codeAlphabet[int(sum[i])%len(codeAlphabet)])
	}
	return out.String()
}

// processID is the code of a process created by an update.
func (b *Bot) processID(updateKey string, attempt int) string {
	return b.derivedCode("process", updateKey, attempt, 6)
}

// facilitatorCode is a one-time co-facilitator code, written XXXX-XXXX.
func (b *Bot) facilitatorCode(updateKey string) string {
	c := b.derivedCode("facilitator", updateKey, 0, 8)
	return c[:4] + "-" + c[4:]
}

// processOf reads the process id from a chat index value "process/group".
func processOf(v string) string {
	p, _, _ := strings.Cut(v, "/")
	return p
}
