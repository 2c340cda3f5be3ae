package telegram

import (
	"sync"
	"time"
)

// Limits are how fast the adapter sends. Telegram asks for about one message
// a second per chat, at most 20 a minute per group and about 30 a second
// overall, and answers more with 429 (research/platforms.md §2.1).
type Limits struct {
	PerChat         time.Duration // between two sends to one chat
	PerGroupMinute  int           // sends to one group within a minute
	GlobalPerSecond int           // sends overall within a second
	// EditEvery spaces the edits of live progress lines in one chat: the
	// sender folds the edits in between into the newest.
	EditEvery time.Duration
}

// A limit of zero or less is no limit (Limits{-1, -1, -1} sends as fast as
// it can). DefaultLimits stay just under Telegram's: a send is timed when it leaves
// here and counted when it arrives there, so a full window on our side must
// not be a full one on Telegram's.
var DefaultLimits = Limits{PerChat: time.Second, PerGroupMinute: 19, GlobalPerSecond: 28, EditEvery: 5 * time.Second}

// limiter decides when the next send to a chat may go. It also remembers a
// chat's retry_after from a 429.
type limiter struct {
	limits Limits
	now    func() time.Time

	mu      sync.Mutex
	last    map[int64]time.Time   // the last send to each chat
	group   map[int64][]time.Time // sends to each group in the last minute
	global  []time.Time           // sends in the last second
	blocked map[int64]time.Time   // a chat Telegram asked to wait, until when
	edited  map[int64]time.Time   // the last edit in each chat
}

// Edits of a live progress line are worth less than new messages: a chat
// gets at most one every Limits.EditEvery, and never the last editHeadroom
// sends of a group's minute, which stay for messages people need.
const editHeadroom = 5

// editWait is how long an edit in chat must wait, or 0 (then it is counted).
func (l *limiter) editWait(chat int64, group bool) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	wait := time.Duration(0)
	if last, ok := l.edited[chat]; ok && l.limits.EditEvery > 0 {
		wait = last.Add(l.limits.EditEvery).Sub(now)
	}
	if group && l.limits.PerGroupMinute > editHeadroom {
		sent := keepAfter(l.group[chat], now.Add(-time.Minute))
		if spare := l.limits.PerGroupMinute - editHeadroom; len(sent) >= spare {
			wait = max(wait, sent[len(sent)-spare].Add(time.Minute).Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	l.edited[chat] = now
	return 0
}

func newLimiter(l Limits, now func() time.Time) *limiter {
	if now == nil {
		now = time.Now
	}
	return &limiter{limits: l, now: now, last: map[int64]time.Time{}, group: map[int64][]time.Time{}, blocked: map[int64]time.Time{}, edited: map[int64]time.Time{}}
}

// reserve takes a send to chat (a group chat if group) and returns 0, or
// returns how long to wait before asking again; then nothing is taken.
func (l *limiter) reserve(chat int64, group bool) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	wait := time.Duration(0)
	if until, ok := l.blocked[chat]; ok {
		if now.Before(until) {
			wait = until.Sub(now)
		} else {
			delete(l.blocked, chat)
		}
	}
	if last, ok := l.last[chat]; ok && l.limits.PerChat > 0 {
		wait = max(wait, last.Add(l.limits.PerChat).Sub(now))
	}
	if group && l.limits.PerGroupMinute > 0 {
		sent := keepAfter(l.group[chat], now.Add(-time.Minute))
		l.group[chat] = sent
		if len(sent) >= l.limits.PerGroupMinute {
			wait = max(wait, sent[len(sent)-l.limits.PerGroupMinute].Add(time.Minute).Sub(now))
		}
	}
	if l.limits.GlobalPerSecond > 0 {
		l.global = keepAfter(l.global, now.Add(-time.Second))
		if len(l.global) >= l.limits.GlobalPerSecond {
			wait = max(wait, l.global[len(l.global)-l.limits.GlobalPerSecond].Add(time.Second).Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	l.last[chat] = now
	if group {
		l.group[chat] = append(l.group[chat], now)
	}
	l.global = append(l.global, now)
	return 0
}

// block holds chat back for d: Telegram answered 429 with retry_after.
func (l *limiter) block(chat int64, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	until := l.now().Add(d)
	if until.After(l.blocked[chat]) {
		l.blocked[chat] = until
	}
}

// globalOnly reports whether a wait comes only from the overall rate, which
// frees within a second: worth waiting for in place rather than putting
// the chat back in the queue.
func (l *limiter) globalOnly(chat int64, group bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if until, ok := l.blocked[chat]; ok && now.Before(until) {
		return false
	}
	if last, ok := l.last[chat]; ok && l.limits.PerChat > 0 && now.Before(last.Add(l.limits.PerChat)) {
		return false
	}
	if group && len(keepAfter(l.group[chat], now.Add(-time.Minute))) >= l.limits.PerGroupMinute && l.limits.PerGroupMinute > 0 {
		return false
	}
	return true
}

func keepAfter(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}
