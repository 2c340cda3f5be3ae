package telegramtest

import (
	"fmt"
	"math"
	"net/http"
	"time"
)

// Limits are the fake's flood limits on sendMessage, editMessageText,
// editMessageReplyMarkup and sendDocument. The zero value is Telegram's
// published limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
// about one message per second to a chat with short bursts allowed, 20
// per minute to a group, about 30 per second overall. Each window slides. A
// zero field takes its default; a negative one turns that limit off. A
// request over a limit gets 429 "Too Many Requests: retry after N" with
// parameters.retry_after, and is not carried out (nor counted).
type Limits struct {
	Off bool // no rate limits at all

	PerChatBurst  int           // sends to one chat within PerChatWindow; default 3
	PerChatWindow time.Duration // default 1s

	PerGroupPerMinute int // sends per 60 s to one group or supergroup (not private chats); default 20
	GlobalPerSecond   int // sends per 1 s overall; default 30

	// RetryAfter is the retry_after given in a 429. Default: the seconds
	// until the window frees, rounded up, at least 1.
	RetryAfter int
}

// rateKey names one sliding window: one chat's, one group's per-minute
// window, or the global one.
type rateKey struct {
	kind string // "chat", "group", "global"
	chat int64
}

// window is one sliding-window limit that applies to a send.
type window struct {
	key   rateKey
	limit int
	span  time.Duration
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// windows returns the limits that apply to a send to c.
func (s *Server) windows(c *chat) []window {
	l := s.Limits
	if l.Off {
		return nil
	}
	span := l.PerChatWindow
	if span <= 0 {
		span = time.Second
	}
	var ws []window
	if n := orDefault(l.PerChatBurst, 3); n > 0 {
		ws = append(ws, window{rateKey{"chat", c.ID}, n, span})
	}
	if n := orDefault(l.PerGroupPerMinute, 20); n > 0 && c.Type != "private" {
		ws = append(ws, window{rateKey{"group", c.ID}, n, time.Minute})
	}
	if n := orDefault(l.GlobalPerSecond, 30); n > 0 {
		ws = append(ws, window{rateKey{kind: "global"}, n, time.Second})
	}
	return ws
}

// allowSend checks the rate limits for one send to c and, if it is
// allowed, counts it. s.mu must be held.
func (s *Server) allowSend(c *chat) *apiError {
	if s.rate == nil {
		s.rate = map[rateKey][]time.Time{}
	}
	ws := s.windows(c)
	now := s.now()
	var wait time.Duration
	limited := false
	for _, w := range ws {
		times := s.rate[w.key]
		for len(times) > 0 && !times[0].After(now.Add(-w.span)) {
			times = times[1:]
		}
		s.rate[w.key] = times
		if len(times) >= w.limit {
			limited = true
			// The send is allowed again when the entry that keeps the
			// window full leaves it.
			wait = max(wait, times[len(times)-w.limit].Add(w.span).Sub(now))
		}
	}
	if limited {
		retry := s.Limits.RetryAfter
		if retry <= 0 {
			retry = max(1, int(math.Ceil(wait.Seconds())))
		}
		return &apiError{code: http.StatusTooManyRequests, desc: fmt.Sprintf("Too Many Requests: retry after %d", retry), retryAfter: retry}
	}
	for _, w := range ws {
		s.rate[w.key] = append(s.rate[w.key], now)
	}
	return nil
}
