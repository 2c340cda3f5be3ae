package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// option is one option of a slash command. The core reads a command's
// options as the words after it, in this order, as on Telegram.
type option struct {
	name     string
	desc     flows.MsgKey
	kind     discordgo.ApplicationCommandOptionType
	required bool
	choices  []string
	// skipped is written when the option is left out but a later one is
	// given, so that the later one's first word is not read as this one
	// ("/close here 2 mensen ziek", not "/close 2 mensen ziek"); only in
	// a server's channel when inGuildOnly, where "here" says the same as
	// nothing at all.
	skipped     string
	inGuildOnly bool
}

type command struct {
	name    string
	options []option
}

var (
	optCode     = option{name: "code", desc: flows.OptCode, kind: discordgo.ApplicationCommandOptionString, required: true}
	optProposal = option{name: "proposal", desc: flows.OptProposal, kind: discordgo.ApplicationCommandOptionInteger}
	optRound    = option{name: "round", desc: flows.OptRound, kind: discordgo.ApplicationCommandOptionString}
	// closeRound is the round of /close and /reopen, before their reason.
	closeRound = option{name: "round", desc: flows.OptRound, kind: discordgo.ApplicationCommandOptionString, skipped: "here", inGuildOnly: true}
	optReason  = option{name: "reason", desc: flows.OptReason, kind: discordgo.ApplicationCommandOptionString}
	optPerson  = option{name: "person", desc: flows.OptPerson, kind: discordgo.ApplicationCommandOptionUser, required: true}
	optText    = option{name: "text", desc: flows.OptText, kind: discordgo.ApplicationCommandOptionString, required: true}
)

func required(o option) option { o.required = true; return o }

// commands are the slash commands: DESIGN.md §3, with their options. The
// names are English on every platform; descriptions come from the
// catalogs, in Dutch with English for English clients.
var commands = []command{
	{name: "start", options: []option{{name: "code", desc: flows.OptCode, kind: discordgo.ApplicationCommandOptionString}}},
	{name: "help"},
	{name: "new", options: []option{{name: "title", desc: flows.OptTitle, kind: discordgo.ApplicationCommandOptionString, required: true}}},
	{name: "claim", options: []option{optCode}},
	{name: "link", options: []option{optCode, {name: "group", desc: flows.OptGroup, kind: discordgo.ApplicationCommandOptionString}}},
	{name: "join"},
	{name: "leave"},
	{name: "name", options: []option{{name: "name", desc: flows.OptName, kind: discordgo.ApplicationCommandOptionString, required: true}}},
	{name: "lang", options: []option{{name: "language", desc: flows.OptLanguage, kind: discordgo.ApplicationCommandOptionString, required: true, choices: flows.Languages}}},
	{name: "status"},
	{name: "plan"},
	{name: "pass"},
	{name: "timeout"},
	{name: "settings"},
	{name: "set", options: []option{
		{name: "setting", desc: flows.OptSetting, kind: discordgo.ApplicationCommandOptionString, required: true},
		{name: "value", desc: flows.OptValue, kind: discordgo.ApplicationCommandOptionString, required: true},
	}},
	{name: "facilitator"},
	{name: "round", options: []option{
		{name: "kind", desc: flows.OptKind, kind: discordgo.ApplicationCommandOptionString, required: true},
		{name: "scope", desc: flows.OptScope, kind: discordgo.ApplicationCommandOptionString, choices: []string{"here", "all", "joint"}, skipped: "here"},
		{name: "prompt", desc: flows.OptPrompt, kind: discordgo.ApplicationCommandOptionString},
	}},
	{name: "next"},
	{name: "close", options: []option{closeRound, optReason}},
	{name: "reopen", options: []option{closeRound, optReason}},
	{name: "propose", options: []option{optText}},
	{name: "amend", options: []option{required(optProposal), optText}},
	{name: "consent", options: []option{optProposal}},
	{name: "confirm", options: []option{optProposal}},
	{name: "rep", options: []option{optPerson}},
	{name: "turn", options: []option{optPerson}},
	{name: "nudge", options: []option{optRound}},
	{name: "skip"},
	{name: "pause"},
	{name: "resume"},
	{name: "export"},
	{name: "dashboard"},
	{name: "mydata"},
	{name: "forget"},
}

// commandText writes a slash command as the text command the core reads:
// "/name value value …", the options in their declared order. A person
// chosen in a user option is named in the text and passed as a mention.
// inGuild says the command was given in a server's channel.
func commandText(data discordgo.ApplicationCommandInteractionData, inGuild bool) (string, []flows.UserID) {
	given := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range data.Options {
		given[o.Name] = o
	}
	words := []string{"/" + data.Name}
	var mentions []flows.UserID
	for _, c := range commands {
		if c.name != data.Name {
			continue
		}
		for i, opt := range c.options {
			o := given[opt.name]
			if o == nil {
				if opt.skipped != "" && (inGuild || !opt.inGuildOnly) && laterGiven(c.options[i+1:], given) {
					words = append(words, opt.skipped)
				}
				continue
			}
			switch o.Type {
			case discordgo.ApplicationCommandOptionUser:
				id, _ := o.Value.(string)
				mentions = append(mentions, userID(id))
				words = append(words, resolvedName(data.Resolved, id))
			case discordgo.ApplicationCommandOptionInteger:
				if n, ok := o.Value.(float64); ok {
					words = append(words, strconv.FormatInt(int64(n), 10))
				}
			default:
				if s, ok := o.Value.(string); ok && strings.TrimSpace(s) != "" {
					words = append(words, strings.TrimSpace(s))
				}
			}
		}
	}
	return strings.Join(words, " "), mentions
}

func laterGiven(opts []option, given map[string]*discordgo.ApplicationCommandInteractionDataOption) bool {
	for _, o := range opts {
		if given[o.name] != nil {
			return true
		}
	}
	return false
}

// resolvedName is the name of a person chosen in an option.
func resolvedName(r *discordgo.ApplicationCommandInteractionDataResolved, id string) string {
	if r == nil || r.Users[id] == nil {
		return ""
	}
	var member *discordgo.Member
	if r.Members != nil {
		member = r.Members[id]
	}
	return displayName(r.Users[id], member)
}

// applicationCommands are the commands as Discord registers them.
func applicationCommands(render *bot.Renderer) []*discordgo.ApplicationCommand {
	describe := func(key flows.MsgKey, limit int) (string, *map[discordgo.Locale]string) {
		nl := truncate(strings.TrimSpace(render.Line(flows.L(key), "nl").Plain()), limit)
		en := truncate(strings.TrimSpace(render.Line(flows.L(key), "en").Plain()), limit)
		return nl, &map[discordgo.Locale]string{discordgo.EnglishUS: en, discordgo.EnglishGB: en}
	}
	var out []*discordgo.ApplicationCommand
	for _, c := range commands {
		ac := &discordgo.ApplicationCommand{Name: c.name, Type: discordgo.ChatApplicationCommand}
		ac.Description, ac.DescriptionLocalizations = describe(flows.MsgKey("cmd."+c.name), maxCommandDesc)
		for _, o := range c.options {
			opt := &discordgo.ApplicationCommandOption{Name: o.name, Type: o.kind, Required: o.required}
			var names *map[discordgo.Locale]string
			opt.Description, names = describe(o.desc, maxOptionDesc)
			opt.DescriptionLocalizations = *names
			for _, ch := range o.choices {
				opt.Choices = append(opt.Choices, &discordgo.ApplicationCommandOptionChoice{Name: ch, Value: ch})
			}
			ac.Options = append(ac.Options, opt)
		}
		out = append(out, ac)
	}
	return out
}

// registerCommands registers the slash commands in each configured server
// (or globally), only where they changed since the last registration:
// Discord limits how often commands may be created.
func (a *Adapter) registerCommands(ctx context.Context) error {
	cmds := applicationCommands(a.core.Renderer())
	raw, err := json.Marshal(cmds)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	version := hex.EncodeToString(sum[:])
	scopes := a.cfg.GuildIDs
	if len(scopes) == 0 {
		scopes = []string{""}
	}
	var errs []error
	for _, guild := range scopes {
		key := "discord:commands:" + a.cfg.ApplicationID + ":" + guild
		if v, err := a.store.Index(ctx, key); err == nil && v == version {
			continue
		}
		if _, err := a.gateway.ApplicationCommandBulkOverwrite(a.cfg.ApplicationID, guild, cmds, discordgo.WithContext(ctx)); err != nil {
			errs = append(errs, fmt.Errorf("server %q: %w", guild, err))
			continue // the other servers still get theirs
		}
		if err := a.store.SetIndex(ctx, key, version); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
