package discordtest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Message flags.
const (
	flagSuppressEmbeds        = 1 << 2
	flagEphemeral             = 1 << 6
	flagLoading               = 1 << 7
	flagSuppressNotifications = 1 << 12
	flagComponentsV2          = 1 << 15

	channelMessageFlags     = flagSuppressEmbeds | flagSuppressNotifications
	interactionMessageFlags = flagSuppressEmbeds | flagEphemeral | flagSuppressNotifications
)

func runes(s string) int { return utf8.RuneCountInString(s) }

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// msgBody is a parsed message create or edit body (channel messages,
// interaction responses, webhooks). For edits, has* say which fields were
// given; a field given as null clears it.
type msgBody struct {
	content       string
	hasContent    bool
	components    []json.RawMessage
	parsed        []Component
	hasComponents bool
	embeds        []json.RawMessage
	hasEmbeds     bool
	flags         int
	hasFlags      bool
	am            *allowedMentions
	ref           *messageRef
	stickers      int
	poll          bool
	attachments   []json.RawMessage // partial attachment objects (edits: the ones to keep)
	hasAttach     bool
}

type messageRef struct {
	MessageID       string `json:"message_id"`
	ChannelID       string `json:"channel_id"`
	FailIfNotExists *bool  `json:"fail_if_not_exists"`
}

// parseMessageBody parses and validates a message body. prefix is the path
// of the body in the request for error messages ("" or "data.");
// allowedFlags are the flags the endpoint accepts.
func parseMessageBody(raw []byte, prefix string, allowedFlags int) (*msgBody, *apiError) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, formError(strings.TrimSuffix(prefix, "."), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a DictType (%v)", err)
	}
	mb := &msgBody{}
	if v, ok := fields["content"]; ok {
		mb.hasContent = true
		if !isNull(v) {
			if err := json.Unmarshal(v, &mb.content); err != nil {
				return nil, formError(prefix+"content", "BASE_TYPE_BAD_TYPE", "Must be a string.")
			}
		}
		if runes(mb.content) > 2000 {
			return nil, formError(prefix+"content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length (got %d).", runes(mb.content))
		}
	}
	if v, ok := fields["flags"]; ok && !isNull(v) {
		mb.hasFlags = true
		if err := json.Unmarshal(v, &mb.flags); err != nil {
			return nil, formError(prefix+"flags", "NUMBER_TYPE_COERCE", "Value %q is not int.", string(v))
		}
		if mb.flags&flagComponentsV2 != 0 {
			return nil, badRequest(50035, "Invalid Form Body", "%sflags: IS_COMPONENTS_V2 (1<<15): discordtest does not emulate Components V2", prefix)
		}
		if mb.flags&^allowedFlags != 0 {
			return nil, formError(prefix+"flags", "MESSAGE_FLAGS_INVALID", "Invalid flags %d (allowed here: %d).", mb.flags, allowedFlags)
		}
	}
	if v, ok := fields["components"]; ok {
		mb.hasComponents = true
		if !isNull(v) {
			if err := json.Unmarshal(v, &mb.components); err != nil {
				return nil, formError(prefix+"components", "BASE_TYPE_BAD_TYPE", "Must be an array.")
			}
			parsed, aerr := validateMessageComponents(mb.components, prefix+"components")
			if aerr != nil {
				return nil, aerr
			}
			mb.parsed = parsed
		}
	}
	if v, ok := fields["embeds"]; ok {
		mb.hasEmbeds = true
		if !isNull(v) {
			if err := json.Unmarshal(v, &mb.embeds); err != nil {
				return nil, formError(prefix+"embeds", "BASE_TYPE_BAD_TYPE", "Must be an array.")
			}
			if len(mb.embeds) > 10 {
				return nil, formError(prefix+"embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
			}
		}
	}
	if v, ok := fields["allowed_mentions"]; ok && !isNull(v) {
		var am allowedMentions
		if err := json.Unmarshal(v, &am); err != nil {
			return nil, formError(prefix+"allowed_mentions", "MODEL_TYPE_CONVERT", "Invalid allowed_mentions: %v", err)
		}
		for i, p := range am.Parse {
			if p != "roles" && p != "users" && p != "everyone" {
				return nil, formError(fmt.Sprintf("%sallowed_mentions.parse.%d", prefix, i), "ENUM_TYPE_COERCE", "Value %q is not a valid enum value.", p)
			}
			if p == "users" && len(am.Users) > 0 || p == "roles" && len(am.Roles) > 0 {
				return nil, formError(prefix+"allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", "parse:[%q] is mutually exclusive with %s.", p, p)
			}
		}
		if am.Parse == nil {
			am.Parse = []string{}
		}
		mb.am = &am
	}
	if v, ok := fields["message_reference"]; ok && !isNull(v) {
		var ref messageRef
		if err := json.Unmarshal(v, &ref); err != nil || ref.MessageID == "" {
			return nil, formError(prefix+"message_reference", "MODEL_TYPE_CONVERT", "Invalid message_reference %s.", string(v))
		}
		mb.ref = &ref
	}
	if v, ok := fields["sticker_ids"]; ok && !isNull(v) {
		var ids []string
		if err := json.Unmarshal(v, &ids); err != nil {
			return nil, formError(prefix+"sticker_ids", "BASE_TYPE_BAD_TYPE", "Must be an array of snowflakes.")
		}
		mb.stickers = len(ids)
	}
	if v, ok := fields["poll"]; ok && !isNull(v) {
		mb.poll = true
	}
	if v, ok := fields["attachments"]; ok && !isNull(v) {
		mb.hasAttach = true
		json.Unmarshal(v, &mb.attachments)
	}
	return mb, nil
}

// hasBody reports whether a new message would have something to show.
func (mb *msgBody) hasBody(files []upload) bool {
	return mb.content != "" || len(mb.components) > 0 || len(mb.embeds) > 0 || len(files) > 0 || mb.stickers > 0 || mb.poll
}

func errEmptyMessage() *apiError {
	return badRequest(50006, "Cannot send an empty message", "no content, embeds, components, stickers, poll or files")
}

// rawComp is any component as sent.
type rawComp struct {
	Type        int               `json:"type"`
	CustomID    *string           `json:"custom_id"`
	Label       *string           `json:"label"`
	Style       int               `json:"style"`
	URL         string            `json:"url"`
	Disabled    bool              `json:"disabled"`
	Emoji       json.RawMessage   `json:"emoji"`
	SKUID       string            `json:"sku_id"`
	Components  []json.RawMessage `json:"components"`
	Component   json.RawMessage   `json:"component"`
	Options     []rawOption       `json:"options"`
	Placeholder *string           `json:"placeholder"`
	MinValues   *int              `json:"min_values"`
	MaxValues   *int              `json:"max_values"`
	Required    *bool             `json:"required"`
	MinLength   *int              `json:"min_length"`
	MaxLength   *int              `json:"max_length"`
	Value       *string           `json:"value"`
	Description *string           `json:"description"`
}

type rawOption struct {
	Label       string          `json:"label"`
	Value       string          `json:"value"`
	Description string          `json:"description"`
	Default     bool            `json:"default"`
	Emoji       json.RawMessage `json:"emoji"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func decodeComp(raw json.RawMessage, path string) (*rawComp, *apiError) {
	var c rawComp
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, formError(path, "MODEL_TYPE_CONVERT", "Invalid component: %v", err)
	}
	return &c, nil
}

// v2Types are the Components V2 layout and content types.
var v2Types = map[int]bool{9: true, 10: true, 11: true, 12: true, 13: true, 14: true, 17: true}

func checkCustomID(c *rawComp, path string, seen map[string]bool) *apiError {
	id := str(c.CustomID)
	if n := runes(id); n < 1 || n > 100 {
		return formError(path+".custom_id", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length (got %d).", n)
	}
	if seen[id] {
		return formError(path+".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated (%q).", id)
	}
	seen[id] = true
	return nil
}

// validateMessageComponents checks the components of a (non-V2) message:
// up to 5 action rows, each with 1–5 buttons or one select.
func validateMessageComponents(list []json.RawMessage, path string) ([]Component, *apiError) {
	if len(list) > 5 {
		return nil, formError(path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
	}
	seen := map[string]bool{}
	out := []Component{}
	for i, raw := range list {
		rp := fmt.Sprintf("%s.%d", path, i)
		row, aerr := decodeComp(raw, rp)
		if aerr != nil {
			return nil, aerr
		}
		if row.Type != 1 {
			if v2Types[row.Type] {
				return nil, badRequest(50035, "Invalid Form Body", "%s: component type %d is a Components V2 component; discordtest does not emulate Components V2", rp, row.Type)
			}
			return nil, formError(rp+".type", "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (1,); got %d.", row.Type)
		}
		if n := len(row.Components); n < 1 || n > 5 {
			return nil, formError(rp+".components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length (got %d).", n)
		}
		r := Component{Type: 1}
		selects := 0
		for j, craw := range row.Components {
			cp := fmt.Sprintf("%s.components.%d", rp, j)
			c, aerr := decodeComp(craw, cp)
			if aerr != nil {
				return nil, aerr
			}
			var comp Component
			switch c.Type {
			case 2:
				comp, aerr = validateButton(c, cp, seen)
			case 3, 5, 6, 7, 8:
				selects++
				comp, aerr = validateSelect(c, cp, seen)
			case 4:
				aerr = formError(cp+".type", "COMPONENT_TYPE_INVALID", "Text inputs are only allowed in modals.")
			default:
				aerr = formError(cp+".type", "COMPONENT_TYPE_INVALID", "Component type %d is not allowed in an action row.", c.Type)
			}
			if aerr != nil {
				return nil, aerr
			}
			r.Components = append(r.Components, comp)
		}
		if selects > 0 && len(row.Components) > 1 {
			return nil, formError(rp+".components", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width (a select fills its row).")
		}
		out = append(out, r)
	}
	return out, nil
}

func validateButton(c *rawComp, path string, seen map[string]bool) (Component, *apiError) {
	comp := Component{Type: 2, CustomID: str(c.CustomID), Label: str(c.Label), URL: c.URL, Style: c.Style, Disabled: c.Disabled}
	if c.Style < 1 || c.Style > 6 {
		return comp, formError(path+".style", "ENUM_TYPE_COERCE", "Value %d is not a valid button style.", c.Style)
	}
	if runes(str(c.Label)) > 80 {
		return comp, formError(path+".label", "BASE_TYPE_MAX_LENGTH", "Must be 80 or fewer in length (got %d).", runes(str(c.Label)))
	}
	hasEmoji := !isNull(c.Emoji)
	switch c.Style {
	case 5: // link
		if c.URL == "" {
			return comp, formError(path+".url", "BUTTON_COMPONENT_URL_REQUIRED", "A url is required for link buttons.")
		}
		if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "discord") || len(c.URL) > 512 {
			return comp, formError(path+".url", "URL_TYPE_INVALID_URL", "Not a well formed URL.")
		}
		if c.CustomID != nil {
			return comp, formError(path+".custom_id", "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A custom id cannot be specified for link buttons.")
		}
	case 6: // premium
		if c.SKUID == "" || c.CustomID != nil || c.URL != "" || c.Label != nil || hasEmoji {
			return comp, formError(path, "BUTTON_COMPONENT_INVALID", "Premium buttons take sku_id only.")
		}
		return comp, nil
	default:
		if c.URL != "" {
			return comp, formError(path+".url", "BUTTON_COMPONENT_URL_NOT_ALLOWED", "A url can only be specified for link buttons.")
		}
		if aerr := checkCustomID(c, path, seen); aerr != nil {
			return comp, aerr
		}
	}
	if str(c.Label) == "" && !hasEmoji {
		return comp, formError(path, "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A button needs a label or an emoji.")
	}
	return comp, nil
}

func validateSelect(c *rawComp, path string, seen map[string]bool) (Component, *apiError) {
	comp := Component{Type: c.Type, CustomID: str(c.CustomID), Placeholder: str(c.Placeholder), Disabled: c.Disabled}
	if aerr := checkCustomID(c, path, seen); aerr != nil {
		return comp, aerr
	}
	if runes(str(c.Placeholder)) > 150 {
		return comp, formError(path+".placeholder", "BASE_TYPE_MAX_LENGTH", "Must be 150 or fewer in length.")
	}
	minV, maxV := 1, 1
	if c.MinValues != nil {
		minV = *c.MinValues
	}
	if c.MaxValues != nil {
		maxV = *c.MaxValues
	}
	if minV < 0 || minV > 25 {
		return comp, formError(path+".min_values", "NUMBER_TYPE_MAX", "Must be between 0 and 25.")
	}
	if maxV < 1 || maxV > 25 || maxV < minV {
		return comp, formError(path+".max_values", "NUMBER_TYPE_MAX", "Must be between 1 and 25 and at least min_values.")
	}
	if c.Type != 3 {
		if c.Options != nil {
			return comp, formError(path+".options", "SELECT_COMPONENT_OPTIONS_NOT_ALLOWED", "Options are only allowed in string selects.")
		}
		return comp, nil
	}
	if n := len(c.Options); n < 1 || n > 25 {
		return comp, formError(path+".options", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length (got %d).", n)
	}
	if maxV > len(c.Options) {
		return comp, formError(path+".max_values", "SELECT_COMPONENT_MAX_VALUES_EXCEEDED", "max_values exceeds the number of options.")
	}
	values := map[string]bool{}
	for k, o := range c.Options {
		op := fmt.Sprintf("%s.options.%d", path, k)
		if n := runes(o.Label); n < 1 || n > 100 {
			return comp, formError(op+".label", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		if n := runes(o.Value); n < 1 || n > 100 {
			return comp, formError(op+".value", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		if runes(o.Description) > 100 {
			return comp, formError(op+".description", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
		}
		if values[o.Value] {
			return comp, formError(op+".value", "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Option values must be unique.")
		}
		values[o.Value] = true
		comp.Options = append(comp.Options, SelectOption{Label: o.Label, Value: o.Value, Description: o.Description, Default: o.Default})
	}
	return comp, nil
}

// Modal is a modal the bot showed (callback type 9).
type Modal struct {
	CustomID, Title string
	Inputs          []TextInput
}

// TextInput is a text input of a modal. Required is Discord's value:
// true unless the bot sent "required": false.
type TextInput struct {
	CustomID, Label, Placeholder string
	Style                        int
	Required                     bool
	MinLength, MaxLength         int
	Value                        string
}

// validateModal checks a modal callback's data: custom_id 1–100, title
// 1–45, 1–5 components, each an action row holding one text input or a
// Label (type 18) wrapping one.
func validateModal(raw json.RawMessage) (*Modal, *apiError) {
	var md struct {
		CustomID   *string           `json:"custom_id"`
		Title      *string           `json:"title"`
		Components []json.RawMessage `json:"components"`
	}
	if isNull(raw) {
		return nil, formError("data", "BASE_TYPE_REQUIRED", "This field is required.")
	}
	if err := json.Unmarshal(raw, &md); err != nil {
		return nil, formError("data", "MODEL_TYPE_CONVERT", "Invalid modal: %v", err)
	}
	m := &Modal{CustomID: str(md.CustomID), Title: str(md.Title)}
	if n := runes(m.CustomID); n < 1 || n > 100 {
		return nil, formError("data.custom_id", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length (got %d).", n)
	}
	if n := runes(m.Title); n < 1 || n > 45 {
		return nil, formError("data.title", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length (got %d).", n)
	}
	if n := len(md.Components); n < 1 || n > 5 {
		return nil, formError("data.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length (got %d).", n)
	}
	seen := map[string]bool{}
	for i, raw := range md.Components {
		p := fmt.Sprintf("data.components.%d", i)
		c, aerr := decodeComp(raw, p)
		if aerr != nil {
			return nil, aerr
		}
		var in *rawComp
		var label string
		var inPath string
		switch c.Type {
		case 1:
			if len(c.Components) != 1 {
				return nil, formError(p+".components", "BASE_TYPE_BAD_LENGTH", "A modal action row holds exactly one text input (got %d).", len(c.Components))
			}
			inPath = p + ".components.0"
			if in, aerr = decodeComp(c.Components[0], inPath); aerr != nil {
				return nil, aerr
			}
			if in.Type != 4 {
				return nil, formError(inPath+".type", "COMPONENT_TYPE_INVALID", "Only text inputs (type 4) are allowed in a modal action row; got %d.", in.Type)
			}
			label = str(in.Label)
			if n := runes(label); n < 1 || n > 45 {
				return nil, formError(inPath+".label", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length (got %d).", n)
			}
		case 18:
			label = str(c.Label)
			if n := runes(label); n < 1 || n > 45 {
				return nil, formError(p+".label", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length (got %d).", n)
			}
			if runes(str(c.Description)) > 100 {
				return nil, formError(p+".description", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
			}
			inPath = p + ".component"
			if isNull(c.Component) {
				return nil, formError(inPath, "BASE_TYPE_REQUIRED", "This field is required.")
			}
			if in, aerr = decodeComp(c.Component, inPath); aerr != nil {
				return nil, aerr
			}
			if in.Type != 4 {
				return nil, badRequest(50035, "Invalid Form Body", "%s: component type %d in a Label; discordtest emulates text inputs only", inPath, in.Type)
			}
			if in.Label != nil {
				return nil, formError(inPath+".label", "COMPONENT_FIELD_NOT_ALLOWED", "A text input in a Label takes no label of its own.")
			}
		default:
			return nil, formError(p+".type", "COMPONENT_TYPE_INVALID", "A modal takes action rows (1) or labels (18); got %d.", c.Type)
		}
		ti, aerr := validateTextInput(in, inPath, seen)
		if aerr != nil {
			return nil, aerr
		}
		ti.Label = label
		m.Inputs = append(m.Inputs, ti)
	}
	return m, nil
}

func validateTextInput(c *rawComp, path string, seen map[string]bool) (TextInput, *apiError) {
	ti := TextInput{CustomID: str(c.CustomID), Placeholder: str(c.Placeholder), Style: c.Style, Required: true, Value: str(c.Value)}
	if c.Required != nil {
		ti.Required = *c.Required
	}
	if aerr := checkCustomID(c, path, seen); aerr != nil {
		return ti, aerr
	}
	if c.Style != 1 && c.Style != 2 {
		return ti, formError(path+".style", "ENUM_TYPE_COERCE", "Value %d is not a valid text input style (1 or 2).", c.Style)
	}
	if runes(ti.Placeholder) > 100 {
		return ti, formError(path+".placeholder", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
	}
	ti.MaxLength = 4000
	if c.MinLength != nil {
		ti.MinLength = *c.MinLength
		if ti.MinLength < 0 || ti.MinLength > 4000 {
			return ti, formError(path+".min_length", "NUMBER_TYPE_MAX", "Must be between 0 and 4000.")
		}
	}
	if c.MaxLength != nil {
		ti.MaxLength = *c.MaxLength
		if ti.MaxLength < 1 || ti.MaxLength > 4000 {
			return ti, formError(path+".max_length", "NUMBER_TYPE_MAX", "Must be between 1 and 4000.")
		}
	}
	if ti.MinLength > ti.MaxLength {
		return ti, formError(path+".min_length", "NUMBER_TYPE_MAX", "min_length exceeds max_length.")
	}
	if runes(ti.Value) > ti.MaxLength {
		return ti, formError(path+".value", "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", ti.MaxLength)
	}
	return ti, nil
}

// Application commands.

var commandName = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

type cmdDef struct {
	Name        string            `json:"name"`
	NameLoc     map[string]string `json:"name_localizations"`
	Description string            `json:"description"`
	DescLoc     map[string]string `json:"description_localizations"`
	Type        int               `json:"type"`
	Options     []optDef          `json:"options"`
}

type optDef struct {
	Type        int               `json:"type"`
	Name        string            `json:"name"`
	NameLoc     map[string]string `json:"name_localizations"`
	Description string            `json:"description"`
	DescLoc     map[string]string `json:"description_localizations"`
	Required    bool              `json:"required"`
	Choices     []struct {
		Name    string            `json:"name"`
		NameLoc map[string]string `json:"name_localizations"`
		Value   any               `json:"value"`
	} `json:"choices"`
	Options      []optDef `json:"options"`
	MinLength    *int     `json:"min_length"`
	MaxLength    *int     `json:"max_length"`
	Autocomplete bool     `json:"autocomplete"`
}

func checkName(name, path string, chatInput bool) *apiError {
	if chatInput {
		if !commandName.MatchString(name) {
			return formError(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid (%q).", name)
		}
		if strings.ToLower(name) != name {
			return formError(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name must be lower case (%q).", name)
		}
		return nil
	}
	if n := runes(name); n < 1 || n > 32 {
		return formError(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
	}
	return nil
}

func checkDescription(d, path string) *apiError {
	if n := runes(d); n < 1 || n > 100 {
		return formError(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length (got %d).", n)
	}
	return nil
}

func checkLocalizations(loc map[string]string, path string, check func(v, p string) *apiError) *apiError {
	for k, v := range loc {
		if !validLocales[k] {
			return formError(path+"."+k, "LOCALE_INVALID", "Invalid locale %q.", k)
		}
		if aerr := check(v, path+"."+k); aerr != nil {
			return aerr
		}
	}
	return nil
}

// validateCommand checks one command of a bulk overwrite; path is its
// index. It returns the command's size for the 8000-character limit.
func validateCommand(c *cmdDef, path string) *apiError {
	if c.Type == 0 {
		c.Type = 1
	}
	if c.Type < 1 || c.Type > 4 {
		return formError(path+".type", "ENUM_TYPE_COERCE", "Value %d is not a valid command type.", c.Type)
	}
	chat := c.Type == 1
	if aerr := checkName(c.Name, path+".name", chat); aerr != nil {
		return aerr
	}
	if aerr := checkLocalizations(c.NameLoc, path+".name_localizations", func(v, p string) *apiError { return checkName(v, p, chat) }); aerr != nil {
		return aerr
	}
	if chat {
		if aerr := checkDescription(c.Description, path+".description"); aerr != nil {
			return aerr
		}
		if aerr := checkLocalizations(c.DescLoc, path+".description_localizations", checkDescription); aerr != nil {
			return aerr
		}
	} else {
		if c.Description != "" {
			return formError(path+".description", "APPLICATION_COMMAND_INVALID_DESCRIPTION", "User and message commands take no description.")
		}
		if len(c.Options) > 0 {
			return formError(path+".options", "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED", "Only chat input commands take options.")
		}
	}
	if aerr := validateOptions(c.Options, path+".options", 0); aerr != nil {
		return aerr
	}
	if n := commandSize(c); n > 8000 {
		return formError(path, "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (%d > 8000).", n)
	}
	return nil
}

func validateOptions(opts []optDef, path string, depth int) *apiError {
	if len(opts) > 25 {
		return formError(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	names := map[string]bool{}
	optional := false
	for i, o := range opts {
		p := path + "." + strconv.Itoa(i)
		if o.Type < 1 || o.Type > 11 {
			return formError(p+".type", "ENUM_TYPE_COERCE", "Value %d is not a valid option type.", o.Type)
		}
		if aerr := checkName(o.Name, p+".name", true); aerr != nil {
			return aerr
		}
		if names[o.Name] {
			return formError(p+".name", "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS", "Option name %q is already used.", o.Name)
		}
		names[o.Name] = true
		if aerr := checkLocalizations(o.NameLoc, p+".name_localizations", func(v, pp string) *apiError { return checkName(v, pp, true) }); aerr != nil {
			return aerr
		}
		if aerr := checkDescription(o.Description, p+".description"); aerr != nil {
			return aerr
		}
		if aerr := checkLocalizations(o.DescLoc, p+".description_localizations", checkDescription); aerr != nil {
			return aerr
		}
		sub := o.Type == 1 || o.Type == 2
		if !sub {
			if o.Required && optional {
				return formError(p+".required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options.")
			}
			if !o.Required {
				optional = true
			}
		}
		if len(o.Choices) > 25 {
			return formError(p+".choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
		}
		if len(o.Choices) > 0 && o.Autocomplete {
			return formError(p+".autocomplete", "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE", "Autocomplete cannot be set with choices.")
		}
		for k, ch := range o.Choices {
			cp := fmt.Sprintf("%s.choices.%d", p, k)
			if n := runes(ch.Name); n < 1 || n > 100 {
				return formError(cp+".name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
			}
			if aerr := checkLocalizations(ch.NameLoc, cp+".name_localizations", func(v, pp string) *apiError {
				if n := runes(v); n < 1 || n > 100 {
					return formError(pp, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
				}
				return nil
			}); aerr != nil {
				return aerr
			}
			if v, ok := ch.Value.(string); ok && runes(v) > 100 {
				return formError(cp+".value", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
			}
		}
		if o.MinLength != nil && (*o.MinLength < 0 || *o.MinLength > 6000) {
			return formError(p+".min_length", "NUMBER_TYPE_MAX", "Must be between 0 and 6000.")
		}
		if o.MaxLength != nil && (*o.MaxLength < 1 || *o.MaxLength > 6000) {
			return formError(p+".max_length", "NUMBER_TYPE_MAX", "Must be between 1 and 6000.")
		}
		if len(o.Options) > 0 && !sub {
			return formError(p+".options", "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED", "Only subcommands and groups take options.")
		}
		if sub {
			if depth >= 2 || (o.Type == 2 && depth >= 1) {
				return formError(p+".type", "APPLICATION_COMMAND_SUBCOMMAND_DEPTH", "Subcommands nest at most two levels.")
			}
			if aerr := validateOptions(o.Options, p+".options", depth+1); aerr != nil {
				return aerr
			}
		}
	}
	return nil
}

func longest(def string, loc map[string]string) int {
	n := runes(def)
	for _, v := range loc {
		n = max(n, runes(v))
	}
	return n
}

func commandSize(c *cmdDef) int {
	n := longest(c.Name, c.NameLoc) + longest(c.Description, c.DescLoc)
	var opts func([]optDef)
	opts = func(os []optDef) {
		for _, o := range os {
			n += longest(o.Name, o.NameLoc) + longest(o.Description, o.DescLoc)
			for _, ch := range o.Choices {
				n += longest(ch.Name, ch.NameLoc)
				if v, ok := ch.Value.(string); ok {
					n += runes(v)
				}
			}
			opts(o.Options)
		}
	}
	opts(c.Options)
	return n
}
