package telegram

import (
	"context"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/samen-bot/samen/flows"
)

// The command menus Telegram shows: what a person can do in a private chat,
// in a group, and, for a group's administrators (facilitators usually are),
// everything a facilitator does there.
var (
	privateCommands = []string{"start", "help", "new", "claim", "status", "plan", "pass", "name", "lang", "mydata", "forget", "timeout", "leave",
		// What a facilitator does from the private chat.
		"facilitator", "settings", "set", "round", "close", "propose", "amend", "consent", "nudge", "pause", "resume", "reopen", "export", "dashboard"}
	groupCommands = []string{"join", "status", "plan", "pass", "name", "timeout", "leave", "help"}
	adminCommands = append(slicesClone(groupCommands),
		"link", "round", "next", "close", "propose", "amend", "consent", "rep", "confirm",
		"nudge", "skip", "turn", "pause", "resume", "reopen", "settings", "set", "facilitator", "export", "dashboard")
)

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// setCommands registers the menus in Dutch and English, per scope; the
// default language gets Dutch, like the bot.
func (a *Adapter) setCommands(ctx context.Context) error {
	scopes := []struct {
		scope models.BotCommandScope
		names []string
	}{
		{&models.BotCommandScopeAllPrivateChats{}, privateCommands},
		{&models.BotCommandScopeAllGroupChats{}, groupCommands},
		{&models.BotCommandScopeAllChatAdministrators{}, adminCommands},
	}
	for _, s := range scopes {
		for _, lang := range append([]string{""}, flows.Languages...) {
			catalog := lang
			if catalog == "" {
				catalog = flows.DefaultLanguage
			}
			var cmds []models.BotCommand
			for _, name := range s.names {
				desc := a.core.Renderer().Line(flows.L(flows.MsgKey("cmd."+name)), catalog).Plain()
				cmds = append(cmds, models.BotCommand{Command: name, Description: strings.TrimSpace(desc)})
			}
			if _, err := a.api.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: cmds, Scope: s.scope, LanguageCode: lang}); err != nil {
				return a.redact(err)
			}
		}
	}
	return nil
}
