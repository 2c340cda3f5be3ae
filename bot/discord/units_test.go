package discord

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

func TestMarkdownEscapesEveryPieceOfText(t *testing.T) {
	for _, tc := range []struct {
		in   bot.Rich
		want string
	}{
		{bot.Rich{{Text: "**vet** _schuin_ `code` ~~weg~~ ||geheim||"}}, `\*\*vet\*\* \_schuin\_ \` + "`" + `code\` + "`" + ` \~\~weg\~\~ \|\|geheim\|\|`},
		{bot.Rich{{Text: "# kop\n> citaat\n- lijst"}}, "\\# kop\n\\> citaat\n\\- lijst"},
		{bot.Rich{{Text: "[klik](https://x.example)"}}, `\[klik\]\(https\://x.example\)`},
		{bot.Rich{{Text: "<@123> en <#456>"}}, `\<@123\> en \<\#456\>`},
		{bot.Rich{{Text: "@everyone kijk, @here ook"}}, "@\u200beveryone kijk, @\u200bhere ook"},
		{bot.Rich{{Text: "Ronde 1: ", Style: bot.Bold}, {Text: "zorgen"}}, "**Ronde 1\\:** zorgen"},
		{bot.Rich{{Text: "let op", Style: bot.Italic | bot.Bold}}, "***let op***"},
		{bot.Rich{{Text: "twee\nregels", Style: bot.Bold}}, "**twee**\n**regels**"},
	} {
		if got := toMarkdown(tc.in); got != tc.want {
			t.Errorf("toMarkdown(%q) = %q, want %q", tc.in.Plain(), got, tc.want)
		}
	}
}

func TestLongMessagesSplitWithinDiscordsLimit(t *testing.T) {
	// Text that doubles when escaped, styled spans and mentions: the worst
	// cases for the length after rendering.
	var long bot.Rich
	for i := range 400 {
		long = append(long, bot.Span{Text: "*_@everyone ", Style: bot.Style(i % 2)}, bot.Span{Text: "gewone tekst\n"})
	}
	ps := parts(long)
	if len(ps) < 2 {
		t.Fatalf("a long text gave %d parts", len(ps))
	}
	for i, p := range ps {
		if n := utf8.RuneCountInString(p); n > maxContent || strings.TrimSpace(p) == "" {
			t.Errorf("part %d has %d characters (max %d)", i, n, maxContent)
		}
	}
}

func TestSlashCommandsReadAsTextCommands(t *testing.T) {
	data := discordgo.ApplicationCommandInteractionData{Name: "round", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "prompt", Type: discordgo.ApplicationCommandOptionString, Value: "Wat raakt je?"},
		{Name: "kind", Type: discordgo.ApplicationCommandOptionString, Value: "concerns"},
		{Name: "scope", Type: discordgo.ApplicationCommandOptionString, Value: "all"},
	}}
	if text, _ := commandText(data, true); text != "/round concerns all Wat raakt je?" {
		t.Errorf("commandText = %q", text)
	}
	rep := discordgo.ApplicationCommandInteractionData{Name: "rep",
		Options:  []*discordgo.ApplicationCommandInteractionDataOption{{Name: "person", Type: discordgo.ApplicationCommandOptionUser, Value: "1000000000000000007"}},
		Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Users: map[string]*discordgo.User{"1000000000000000007": {ID: "1000000000000000007", Username: "marja", GlobalName: "Marja"}}},
	}
	text, mentions := commandText(rep, true)
	if text != "/rep Marja" || len(mentions) != 1 || mentions[0] != flows.UserID("dc:1000000000000000007") {
		t.Errorf("commandText(rep, true) = %q, %v", text, mentions)
	}
	// A skipped option before a given one is written, so that the given
	// one's first word is not read in its place.
	prompt := discordgo.ApplicationCommandInteractionData{Name: "round", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "kind", Type: discordgo.ApplicationCommandOptionString, Value: "concerns"},
		{Name: "prompt", Type: discordgo.ApplicationCommandOptionString, Value: "All things considered?"},
	}}
	if text, _ := commandText(prompt, false); text != "/round concerns here All things considered?" {
		t.Errorf("commandText(round with a prompt) = %q", text)
	}
	reason := discordgo.ApplicationCommandInteractionData{Name: "close", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "reason", Type: discordgo.ApplicationCommandOptionString, Value: "2 mensen zijn ziek"},
	}}
	if text, _ := commandText(reason, true); text != "/close here 2 mensen zijn ziek" {
		t.Errorf("commandText(close with a reason) = %q", text)
	}
	amend := discordgo.ApplicationCommandInteractionData{Name: "amend", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "text", Type: discordgo.ApplicationCommandOptionString, Value: "Nieuwe tekst"},
		{Name: "proposal", Type: discordgo.ApplicationCommandOptionInteger, Value: float64(2)},
	}}
	if text, _ := commandText(amend, true); text != "/amend 2 Nieuwe tekst" {
		t.Errorf("commandText(amend) = %q", text)
	}
}

func TestCommandDefinitionsFitDiscordsRules(t *testing.T) {
	cmds := applicationCommands(bot.NewRenderer(nil))
	if len(cmds) > 100 {
		t.Errorf("%d commands; Discord takes 100", len(cmds))
	}
	for _, c := range cmds {
		if n := utf8.RuneCountInString(c.Description); n < 1 || n > 100 {
			t.Errorf("/%s: description of %d characters", c.Name, n)
		}
		optional := false
		for _, o := range c.Options {
			if o.Required && optional {
				t.Errorf("/%s: required option %s after an optional one", c.Name, o.Name)
			}
			optional = optional || !o.Required
			if n := utf8.RuneCountInString(o.Description); n < 1 || n > 100 {
				t.Errorf("/%s %s: description of %d characters", c.Name, o.Name, n)
			}
		}
	}
}

func TestButtonsAreSignedAndFitACustomID(t *testing.T) {
	a := &Adapter{codec: bot.ButtonCodec{Key: []byte("0123456789abcdef0123456789abcdef")}}
	var row []bot.Button
	for i := range 7 {
		row = append(row, bot.Button{Label: strings.Repeat("lang ", 30), Intent: flows.Intent{Do: flows.DoRepWithdraw, Process: "ABCDEF", N: 100 + i, Group: "g12", Arg: "substantive"}})
	}
	comps, err := a.components([][]bot.Button{row})
	if err != nil {
		t.Fatal(err)
	}
	if len(comps) != 2 {
		t.Fatalf("7 buttons in %d rows, want 2 (5 + 2)", len(comps))
	}
	b := comps[0].(discordgo.ActionsRow).Components[0].(discordgo.Button)
	if len(b.CustomID) > maxCustomID || utf8.RuneCountInString(b.Label) > maxButtonLabel {
		t.Errorf("button custom id %d, label %d characters", len(b.CustomID), utf8.RuneCountInString(b.Label))
	}
	in, ok := a.codec.Decode(b.CustomID)
	if !ok || in.N != 100 || in.Arg != "substantive" {
		t.Errorf("decoded %+v, %v", in, ok)
	}
	if _, ok := a.codec.Decode(strings.Replace(b.CustomID, "100", "101", 1)); ok {
		t.Error("an altered custom id decodes")
	}
}
