package bot

import (
	"context"

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
