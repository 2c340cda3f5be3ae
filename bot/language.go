package bot

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/samen-bot/samen/flows"
)

// PersonalLanguage is the language u chose with /lang, or "" if they chose
// none. The web pages that belong to no process (the playground, the
// dashboard's list of processes) are shown in it.
func (b *Bot) PersonalLanguage(ctx context.Context, u flows.UserID) string {
	lang, err := b.store.Index(ctx, langKey(u))
	if err != nil {
		return ""
	}
	return lang
}

// languageTTL is how long a person's language is remembered in memory. A
// change with /lang shows at once on the instance that took it, and within
// this long on others sharing the store.
const languageTTL = time.Minute

// languages remembers people's chosen languages ("" for none), so that
// answering does not look the language up in the store each time.
type languages struct {
	mu    sync.Mutex
	known map[flows.UserID]knownLanguage
}

type knownLanguage struct {
	lang    string
	expires time.Time
}

// chosenLanguage is u's language from memory or the store ("" for none).
func (b *Bot) chosenLanguage(ctx context.Context, u flows.UserID) (string, error) {
	now := b.now()
	b.langs.mu.Lock()
	k, ok := b.langs.known[u]
	b.langs.mu.Unlock()
	if ok && now.Before(k.expires) {
		return k.lang, nil
	}
	lang, err := b.store.Index(ctx, langKey(u))
	if errors.Is(err, flows.ErrNotFound) {
		lang, err = "", nil
	}
	if err != nil {
		return "", err
	}
	b.rememberLanguage(u, lang)
	return lang, nil
}

// rememberLanguage notes u's language; "" forgets a chosen one.
func (b *Bot) rememberLanguage(u flows.UserID, lang string) {
	b.langs.mu.Lock()
	defer b.langs.mu.Unlock()
	if b.langs.known == nil || len(b.langs.known) > maxKnownLanguages {
		b.langs.known = map[flows.UserID]knownLanguage{} // a simple bound: start over
	}
	b.langs.known[u] = knownLanguage{lang: lang, expires: b.now().Add(languageTTL)}
}

// maxKnownLanguages bounds the memory the languages take.
const maxKnownLanguages = 100_000
