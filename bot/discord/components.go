package discord

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/samen-bot/samen/bot"
)

// Discord's limits on components.
const (
	maxCustomID     = 100
	maxButtonLabel  = 80
	maxRows         = 5
	maxRowButtons   = 5
	maxModalTitle   = 45
	maxInputLabel   = 45
	maxPlaceholder  = 100
	maxInputLength  = 4000
	maxOptionDesc   = 100
	maxCommandDesc  = 100
	maxInputsInForm = 5
)

var errTooManyButtons = errors.New("more buttons than a Discord message holds")

// components turns button rows into action rows of buttons whose custom id
// is the signed intent. Rows longer than five are wrapped; when that makes
// more rows than a message holds, neighbouring rows share one, so that
// every button stays (up to Discord's 25).
func (a *Adapter) components(rows [][]bot.Button) ([]discordgo.MessageComponent, error) {
	if n := rowsNeeded(rows); n > maxRows {
		var packed [][]bot.Button
		for _, r := range rows {
			last := len(packed) - 1
			if last >= 0 && len(packed[last])+len(r) <= maxRowButtons {
				packed[last] = append(packed[last], r...)
				continue
			}
			packed = append(packed, append([]bot.Button(nil), r...))
		}
		rows = packed
	}
	var out []discordgo.MessageComponent
	var row []discordgo.MessageComponent
	flush := func() {
		if len(row) > 0 {
			out = append(out, discordgo.ActionsRow{Components: row})
			row = nil
		}
	}
	for _, r := range rows {
		for _, b := range r {
			id, err := a.codec.Encode(b.Intent)
			if err != nil {
				return nil, err
			}
			if len(id) > maxCustomID {
				return nil, fmt.Errorf("button %s: custom id of %d characters, Discord takes %d", b.Intent.Do, len(id), maxCustomID)
			}
			if len(row) == maxRowButtons {
				flush()
			}
			row = append(row, discordgo.Button{Label: truncate(b.Label, maxButtonLabel), Style: discordgo.SecondaryButton, CustomID: id})
		}
		flush()
	}
	if len(out) > maxRows {
		return out[:maxRows], errTooManyButtons
	}
	return out, nil
}

// rowsNeeded is how many action rows rows take, wrapped at five buttons.
func rowsNeeded(rows [][]bot.Button) int {
	n := 0
	for _, r := range rows {
		n += (len(r) + maxRowButtons - 1) / maxRowButtons
	}
	return n
}

// modal is a form as a Discord modal, in the form discordgo v0.29 can read
// back (text inputs in action rows; it cannot decode the newer Label
// component). Its custom id is the signed intent of the button that asked,
// so the submission is the same button with its texts.
func modal(customID string, f *bot.Form) *discordgo.InteractionResponseData {
	data := &discordgo.InteractionResponseData{CustomID: customID, Title: truncate(f.Title, maxModalTitle)}
	for i, field := range f.Fields {
		if i == maxInputsInForm {
			break
		}
		style := discordgo.TextInputShort
		if field.Long {
			style = discordgo.TextInputParagraph
		}
		maxLen := maxInputLength
		if field.MaxRunes > 0 && field.MaxRunes < maxLen {
			maxLen = field.MaxRunes
		}
		data.Components = append(data.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{
				CustomID:    fmt.Sprintf("f%d", i),
				Label:       truncate(field.Label, maxInputLabel),
				Placeholder: truncate(field.Hint, maxPlaceholder),
				Style:       style,
				Required:    true,
				MaxLength:   maxLen,
			},
		}})
	}
	return data
}

// noMentions lets no message ping anyone: names in the bot's messages are
// text, and a participant's "@everyone" reaches nobody.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// files attaches a reply's document.
func files(f *bot.File) []*discordgo.File {
	if f == nil {
		return nil
	}
	return []*discordgo.File{{Name: f.Name, ContentType: f.Type, Reader: bytes.NewReader(f.Data)}}
}
