package discordtest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// Interaction types.
const (
	InteractionCommand     = 2
	InteractionComponent   = 3
	InteractionModalSubmit = 5
)

// Option is an option of a slash command. Type is Discord's option type:
// 3 string, 4 integer, 5 boolean, 6 user (Value is the user id), 10
// number; for a subcommand (1) or group (2), Value is a []Option.
type Option struct {
	Name  string
	Type  int
	Value any
}

// Interaction is a handle on an interaction the test created.
type Interaction struct {
	ID, Token, ChannelID string
	User                 User
	Type                 int    // 2 command, 3 component, 5 modal submit
	MessageID            string // the message whose component was used, if any
}

// Response is one answer of the bot to an interaction.
type Response struct {
	// Kind is "callback" (POST /interactions/{id}/{token}/callback),
	// "edit" (PATCH /webhooks/{app}/{token}/messages/{id}, @original or a
	// followup), "followup" (POST /webhooks/{app}/{token}) or "delete"
	// (DELETE /webhooks/{app}/{token}/messages/{id}).
	Kind string
	Type int // the callback type (4, 5, 6, 7, 9); 0 for the other kinds

	// Content, Components and Flags are those of the message the response
	// created or edited, as it stands after the response (so an edit that
	// only changes the buttons still shows the content). Flags leaves out
	// LOADING (128) of a deferral's placeholder message.
	Content    string
	Flags      int // 64 ephemeral
	Components []Component
	MessageID  string // the message created, edited or deleted, if any
	Modal      *Modal // for callback type 9

	Elapsed time.Duration // since the interaction was dispatched (on Server.Now)
}

type interaction struct {
	id, token          string
	typ                int
	name               string // command name
	customID           string
	user               User
	guildID, channelID string
	messageID          string // the component's message
	at                 time.Time
	acked              bool
	ackType            int
	originalID         string
	deferredOpen       bool // acknowledged with type 5 and the loading message not edited yet
	followups          map[string]bool
	responses          []Response
	handle             *Interaction
}

func (it *interaction) owners() map[string]string {
	if it.guildID != "" {
		return map[string]string{"0": it.guildID}
	}
	return map[string]string{"0": "0"}
}

// fromMessage reports whether the interaction came from a message
// component (directly, or through a modal shown for one), which is what
// callback types 6 and 7 need.
func (it *interaction) fromMessage() bool {
	return it.messageID != "" && (it.typ == InteractionComponent || it.typ == InteractionModalSubmit)
}

type modalKey struct{ userID, customID string }

type shownModal struct {
	modal     Modal
	messageID string // the message of the component interaction the modal answered
}

// newInteraction builds the common part of an INTERACTION_CREATE payload;
// s.mu must be held. It returns nil after failing the test.
func (s *Server) newInteraction(typ int, u User, channelID string) (*interaction, map[string]any) {
	c := s.channels[channelID]
	if c == nil {
		s.fail("interaction in unknown channel %s", channelID)
		return nil, nil
	}
	s.noteUser(u)
	if u.Locale == "" {
		u.Locale = s.users[u.ID].Locale
	}
	id := s.newID()
	it := &interaction{
		id: id, typ: typ, user: u, channelID: c.id, guildID: c.guildID, at: s.now(), followups: map[string]bool{},
		token: base64.RawURLEncoding.EncodeToString([]byte("interaction:" + id + ":" + randomHex(24))),
	}
	ctx := 0
	if c.typ == ChannelDM {
		ctx = 1
	}
	d := map[string]any{
		"id": it.id, "application_id": s.appID(), "type": typ, "token": it.token, "version": 1,
		"channel_id": c.id, "channel": s.channelJSON(c), "app_permissions": memberPerms,
		"locale": u.Locale, "entitlements": []any{}, "authorizing_integration_owners": it.owners(),
		"context": ctx, "attachment_size_limit": attachmentLimit,
	}
	if c.guildID != "" {
		d["guild_id"] = c.guildID
		d["guild_locale"] = "en-US"
		d["guild"] = map[string]any{"id": c.guildID, "locale": "en-US", "features": []any{}}
		d["member"] = s.memberJSON(c.guildID, userJSON(u))
	} else {
		d["user"] = userJSON(u)
	}
	return it, d
}

// send registers the interaction and dispatches it; s.mu must be held.
func (s *Server) send(it *interaction, d map[string]any) *Interaction {
	it.handle = &Interaction{ID: it.id, Token: it.token, ChannelID: it.channelID, User: it.user, Type: it.typ, MessageID: it.messageID}
	s.interactions[it.id] = it
	s.byToken[it.token] = it
	s.dispatchGuild(it.guildID, "INTERACTION_CREATE", d)
	return it.handle
}

// Command dispatches a slash command (type 2 APPLICATION_COMMAND) by u in
// a channel. data.id is the registered command's id (the channel's guild
// commands first, then the global ones), or a fresh id if no command of
// that name is registered; if it is registered, the options must fit its
// definition (names, types, required options), or the test fails.
func (s *Server) Command(u User, channelID, name string, opts ...Option) *Interaction {
	s.lock()
	defer s.mu.Unlock()
	it, d := s.newInteraction(InteractionCommand, u, channelID)
	if it == nil {
		return &Interaction{}
	}
	it.name = name
	cmdID, cmdGuild, def := s.findCommand(it.guildID, name)
	if cmdID == "" {
		cmdID = s.newID()
	}
	if def != nil {
		s.checkOptions(name, def.Options, opts)
	}
	resolved := map[string]any{}
	data := map[string]any{"id": cmdID, "name": name, "type": 1}
	if cmdGuild != "" {
		data["guild_id"] = cmdGuild
	}
	if len(opts) > 0 {
		data["options"] = s.optionsJSON(opts, it.guildID, resolved)
	}
	if len(resolved) > 0 {
		data["resolved"] = resolved
	}
	d["data"] = data
	return s.send(it, d)
}

func (s *Server) optionsJSON(opts []Option, guildID string, resolved map[string]any) []any {
	var out []any
	for _, o := range opts {
		j := map[string]any{"name": o.Name, "type": o.Type}
		if sub, ok := o.Value.([]Option); ok && (o.Type == 1 || o.Type == 2) {
			j["options"] = s.optionsJSON(sub, guildID, resolved)
		} else {
			j["value"] = o.Value
		}
		if id, ok := o.Value.(string); ok && o.Type == 6 {
			if u, ok := s.users[id]; ok {
				users, _ := resolved["users"].(map[string]any)
				if users == nil {
					users = map[string]any{}
					resolved["users"] = users
				}
				users[id] = userJSON(u)
				if guildID != "" {
					members, _ := resolved["members"].(map[string]any)
					if members == nil {
						members = map[string]any{}
						resolved["members"] = members
					}
					m := s.memberJSON(guildID, nil)
					delete(m, "user")
					members[id] = m
				}
			} else {
				s.fail("Command: user option %s: unknown user %s", o.Name, id)
			}
		}
		out = append(out, j)
	}
	return out
}

// findCommand finds a registered chat input command by name; s.mu held.
func (s *Server) findCommand(guildID, name string) (id, cmdGuild string, def *cmdDef) {
	scopes := []string{""}
	if guildID != "" {
		scopes = []string{guildID, ""}
	}
	for _, scope := range scopes {
		for _, raw := range s.commands[scope] {
			var c struct {
				cmdDef
				ID string `json:"id"`
			}
			if json.Unmarshal(raw, &c) == nil && c.Name == name && (c.Type == 0 || c.Type == 1) {
				return c.ID, scope, &c.cmdDef
			}
		}
	}
	return "", "", nil
}

func (s *Server) checkOptions(cmd string, defs []optDef, opts []Option) {
	byName := map[string]optDef{}
	for _, d := range defs {
		byName[d.Name] = d
	}
	given := map[string]bool{}
	for _, o := range opts {
		d, ok := byName[o.Name]
		if !ok {
			s.fail("Command %s: option %q is not defined by the registered command", cmd, o.Name)
			continue
		}
		if d.Type != o.Type {
			s.fail("Command %s: option %q has type %d, the registered command says %d", cmd, o.Name, o.Type, d.Type)
		}
		given[o.Name] = true
		if sub, ok := o.Value.([]Option); ok && (o.Type == 1 || o.Type == 2) {
			s.checkOptions(cmd+" "+o.Name, d.Options, sub)
		}
	}
	for _, d := range defs {
		if d.Required && !given[d.Name] {
			s.fail("Command %s: required option %q missing", cmd, d.Name)
		}
	}
}

// findComponent finds the component with customID in a message.
func findComponent(cs []Component, customID string) *Component {
	for i := range cs {
		if cs[i].CustomID == customID && cs[i].Type != 1 {
			return &cs[i]
		}
		if c := findComponent(cs[i].Components, customID); c != nil {
			return c
		}
	}
	return nil
}

// componentMessage finds the message a user interacts with; s.mu held.
func (s *Server) componentMessage(what, channelID, messageID string) *message {
	m := s.messages[messageID]
	if m == nil || m.deleted {
		s.fail("%s: no message %s", what, messageID)
		return nil
	}
	if m.channelID != channelID {
		s.fail("%s: message %s is in channel %s, not %s", what, messageID, m.channelID, channelID)
		return nil
	}
	return m
}

// Press dispatches a button click (type 3 MESSAGE_COMPONENT, component
// type 2) by u on a message the fake holds, carrying the message as it is
// now. The test fails if the message or an enabled button with that
// custom_id does not exist.
func (s *Server) Press(u User, channelID, messageID, customID string) *Interaction {
	s.lock()
	defer s.mu.Unlock()
	m := s.componentMessage("Press", channelID, messageID)
	if m == nil {
		return &Interaction{}
	}
	b := findComponent(m.parsed, customID)
	if b == nil || b.Type != 2 {
		s.fail("Press: message %s has no button with custom_id %q", messageID, customID)
		return &Interaction{}
	}
	if b.Disabled {
		s.fail("Press: button %q of message %s is disabled", customID, messageID)
		return &Interaction{}
	}
	it, d := s.newInteraction(InteractionComponent, u, channelID)
	if it == nil {
		return &Interaction{}
	}
	it.messageID, it.customID = m.id, customID
	d["message"] = s.messageJSON(m, false)
	d["data"] = map[string]any{"custom_id": customID, "component_type": 2}
	return s.send(it, d)
}

// Select dispatches a select menu choice (type 3 MESSAGE_COMPONENT) by u.
// For a string select the values must be among its options and their
// number within min_values and max_values.
func (s *Server) Select(u User, channelID, messageID, customID string, values ...string) *Interaction {
	s.lock()
	defer s.mu.Unlock()
	m := s.componentMessage("Select", channelID, messageID)
	if m == nil {
		return &Interaction{}
	}
	sel := findComponent(m.parsed, customID)
	if sel == nil || sel.Type == 2 {
		s.fail("Select: message %s has no select with custom_id %q", messageID, customID)
		return &Interaction{}
	}
	if sel.Type == 3 {
		ok := map[string]bool{}
		for _, o := range sel.Options {
			ok[o.Value] = true
		}
		for _, v := range values {
			if !ok[v] {
				s.fail("Select: %q is not an option of select %q", v, customID)
			}
		}
	}
	it, d := s.newInteraction(InteractionComponent, u, channelID)
	if it == nil {
		return &Interaction{}
	}
	it.messageID, it.customID = m.id, customID
	d["message"] = s.messageJSON(m, false)
	if values == nil {
		values = []string{}
	}
	d["data"] = map[string]any{"custom_id": customID, "component_type": sel.Type, "values": values}
	return s.send(it, d)
}

// Submit dispatches a modal submit (type 5 MODAL_SUBMIT) by u in the
// legacy form discordgo v0.29.0 decodes: one action row per text input of
// the modal with that custom_id last shown to u, values in order (missing
// ones empty). The test fails if no such modal was shown to u, or a value
// breaks the input's required, min_length or max_length (which Discord's
// client would not let the user send). If the modal answered a component
// interaction, the payload carries that message.
func (s *Server) Submit(u User, channelID, customID string, values ...string) *Interaction {
	return s.submit(false, u, channelID, customID, values)
}

// SubmitLabel is Submit in the current form, with each text input in a
// Label (type 18), which discordgo v0.29.0 cannot decode: it logs an error
// and hands the handler an InteractionCreate with Data == nil.
func (s *Server) SubmitLabel(u User, channelID, customID string, values ...string) *Interaction {
	return s.submit(true, u, channelID, customID, values)
}

func (s *Server) submit(label bool, u User, channelID, customID string, values []string) *Interaction {
	s.lock()
	defer s.mu.Unlock()
	sm := s.modals[modalKey{u.ID, customID}]
	if sm == nil {
		s.fail("Submit: no modal %q was shown to %s (%s)", customID, u.Name, u.ID)
		return &Interaction{}
	}
	if len(values) > len(sm.modal.Inputs) {
		s.fail("Submit: %d values for modal %q with %d inputs", len(values), customID, len(sm.modal.Inputs))
		return &Interaction{}
	}
	it, d := s.newInteraction(InteractionModalSubmit, u, channelID)
	if it == nil {
		return &Interaction{}
	}
	it.customID = customID
	var comps []any
	for i, in := range sm.modal.Inputs {
		v := ""
		if i < len(values) {
			v = values[i]
		}
		switch n := runes(v); {
		case n == 0 && in.Required:
			s.fail("Submit: input %q of modal %q is required", in.CustomID, customID)
		case n > 0 && n < in.MinLength:
			s.fail("Submit: input %q of modal %q needs at least %d characters", in.CustomID, customID, in.MinLength)
		case n > in.MaxLength:
			s.fail("Submit: input %q of modal %q takes at most %d characters", in.CustomID, customID, in.MaxLength)
		}
		input := map[string]any{"type": 4, "id": 2*i + 2, "custom_id": in.CustomID, "value": v}
		if label {
			comps = append(comps, map[string]any{"type": 18, "id": 2*i + 1, "component": input})
		} else {
			comps = append(comps, map[string]any{"type": 1, "id": 2*i + 1, "components": []any{input}})
		}
	}
	if m := s.messages[sm.messageID]; m != nil && !m.deleted {
		it.messageID = m.id
		d["message"] = s.messageJSON(m, false)
	}
	d["data"] = map[string]any{"custom_id": customID, "components": comps}
	return s.send(it, d)
}

// DM has u write text in u's DM channel with the bot: the message is
// stored and dispatched as MESSAGE_CREATE if the session asked for
// DIRECT_MESSAGES. It fails the test before the bot's first IDENTIFY.
func (s *Server) DM(u User, text string) Message {
	s.lock()
	defer s.mu.Unlock()
	s.noteUser(u)
	c := s.dmChannel(u.ID)
	return s.userMessage(u, c, text)
}

// Say has u write text in a guild channel or thread: the message is
// stored and dispatched as MESSAGE_CREATE if the session asked for
// GUILD_MESSAGES, with its content only if the session has MESSAGE_CONTENT
// or the text mentions the bot. It fails the test before the bot's first
// IDENTIFY.
func (s *Server) Say(u User, channelID, text string) Message {
	s.lock()
	defer s.mu.Unlock()
	s.noteUser(u)
	c := s.channels[channelID]
	if c == nil {
		s.fail("Say: unknown channel %s", channelID)
		return Message{}
	}
	return s.userMessage(u, c, text)
}

// Reply has u reply to message to in a guild channel or thread. It is
// dispatched like Say's: a bot without the Message Content intent reads
// its text only if the text mentions the bot ("<@id> …").
func (s *Server) Reply(u User, channelID, to, text string) Message {
	s.lock()
	defer s.mu.Unlock()
	s.noteUser(u)
	c := s.channels[channelID]
	r := s.messages[to]
	if c == nil || r == nil || r.channelID != channelID {
		s.fail("Reply: no message %s in channel %s", to, channelID)
		return Message{}
	}
	return s.userMessage(u, c, text, to)
}

func (s *Server) userMessage(u User, c *channel, text string, replyTo ...string) Message {
	if s.last == nil {
		s.fail("a user message before the bot identified on the gateway; call WaitConnected first")
	}
	m := &message{id: s.newID(), channelID: c.id, authorID: u.ID, content: text, created: s.now()}
	if len(replyTo) > 0 {
		m.refID, m.typ = replyTo[0], 19
	}
	s.messages[m.id] = m
	c.lastMessageID = m.id
	s.echoMessage("MESSAGE_CREATE", m)
	s.notify()
	return m.export()
}

// Responses returns the bot's responses to i so far, in order.
func (s *Server) Responses(i *Interaction) []Response {
	s.lock()
	defer s.mu.Unlock()
	it := s.interactions[i.ID]
	if it == nil {
		return nil
	}
	out := make([]Response, len(it.responses))
	for k, r := range it.responses {
		out[k] = r
		out[k].Components = cloneComponents(r.Components)
	}
	return out
}

// WaitResponse waits for the initial callback to i and returns it; after
// WaitTimeout it fails the test.
func (s *Server) WaitResponse(t testing.TB, i *Interaction) Response {
	t.Helper()
	var r Response
	s.Wait(t, "the initial response to interaction "+i.ID, func() bool {
		for _, x := range s.Responses(i) {
			if x.Kind == "callback" {
				r = x
				return true
			}
		}
		return false
	})
	return r
}

// WaitReply waits for the first response to i that shows the user
// something: a type 4, 7 or 9 callback, or after a deferral (5 or 6) the
// first edit or followup with content or components. After WaitTimeout
// it fails the test.
func (s *Server) WaitReply(t testing.TB, i *Interaction) Response {
	t.Helper()
	var r Response
	s.Wait(t, "a reply to interaction "+i.ID, func() bool {
		for _, x := range s.Responses(i) {
			switch x.Kind {
			case "callback":
				if x.Type == 4 || x.Type == 7 || x.Type == 9 {
					r = x
					return true
				}
			case "edit", "followup":
				if x.Content != "" || len(x.Components) > 0 {
					r = x
					return true
				}
			}
		}
		return false
	})
	return r
}

func (s *Server) record(it *interaction, r Response, m *message) {
	r.Elapsed = s.now().Sub(it.at)
	if m != nil {
		r.Content, r.Flags, r.Components, r.MessageID = m.content, m.flags&^flagLoading, cloneComponents(m.parsed), m.id
	}
	it.responses = append(it.responses, r)
}

// callback handles POST /interactions/{id}/{token}/callback.
func (s *Server) callback(r *request) (any, *apiError) {
	it := s.interactions[r.vars["id"]]
	if it == nil || it.token != r.vars["token"] {
		return nil, errUnknownInteraction()
	}
	if it.acked {
		return nil, &apiError{status: http.StatusBadRequest, code: 40060, message: "Interaction has already been acknowledged."}
	}
	if s.now().Sub(it.at) > s.deadline() {
		return nil, errUnknownInteraction()
	}
	var body struct {
		Type *int            `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if aerr := decodeJSON(r, &body); aerr != nil {
		return nil, aerr
	}
	if body.Type == nil {
		return nil, formError("type", "BASE_TYPE_REQUIRED", "This field is required.")
	}
	typ := *body.Type
	resp := Response{Kind: "callback", Type: typ}
	var msg *message
	switch typ {
	case 4:
		if isNull(body.Data) {
			return nil, errEmptyMessage()
		}
		mb, aerr := parseMessageBody(body.Data, "data.", interactionMessageFlags)
		if aerr != nil {
			return nil, aerr
		}
		if !mb.hasBody(r.files) {
			return nil, errEmptyMessage()
		}
		if mb.ref != nil {
			return nil, formError("data.message_reference", "COMPONENT_FIELD_NOT_ALLOWED", "Interaction responses cannot be replies.")
		}
		msg = s.newMessage(it.channelID, mb, r.files)
		msg.inter = it
		if it.typ == InteractionCommand {
			msg.typ = 20
		}
		msg.ephemeral = mb.flags&flagEphemeral != 0
		it.originalID = msg.id
		s.echoMessage("MESSAGE_CREATE", msg)
	case 5:
		flags := 0
		if !isNull(body.Data) {
			mb, aerr := parseMessageBody(body.Data, "data.", flagEphemeral)
			if aerr != nil {
				return nil, aerr
			}
			flags = mb.flags
		}
		msg = &message{id: s.newID(), channelID: it.channelID, authorID: s.appID(), created: s.now(),
			flags: flags | flagLoading, ephemeral: flags&flagEphemeral != 0, inter: it}
		if it.typ == InteractionCommand {
			msg.typ = 20
		}
		s.messages[msg.id] = msg
		if !msg.ephemeral {
			s.channels[it.channelID].lastMessageID = msg.id
		}
		it.originalID, it.deferredOpen = msg.id, true
		s.echoMessage("MESSAGE_CREATE", msg)
	case 6, 7:
		if !it.fromMessage() {
			return nil, formError("type", "INTERACTION_RESPONSE_TYPE_INVALID",
				"Callback type %d is only valid for component interactions (or modal submits from one); this is a type %d interaction.", typ, it.typ)
		}
		msg = s.messages[it.messageID]
		if msg == nil || msg.deleted {
			return nil, errUnknownMessage()
		}
		if typ == 7 && !isNull(body.Data) {
			mb, aerr := parseMessageBody(body.Data, "data.", interactionMessageFlags)
			if aerr != nil {
				return nil, aerr
			}
			if aerr := s.applyEdit(msg, mb, r.files); aerr != nil {
				return nil, aerr
			}
			s.echoMessage("MESSAGE_UPDATE", msg)
		}
		it.originalID = msg.id
		if typ == 6 {
			msg = nil // nothing shown yet
		}
	case 9:
		if it.typ != InteractionCommand && it.typ != InteractionComponent {
			return nil, formError("type", "INTERACTION_RESPONSE_TYPE_INVALID",
				"A modal cannot be the response to a type %d interaction (a modal submit cannot open another modal).", it.typ)
		}
		modal, aerr := validateModal(body.Data)
		if aerr != nil {
			return nil, aerr
		}
		resp.Modal = modal
		s.modals[modalKey{it.user.ID, modal.CustomID}] = &shownModal{modal: *modal, messageID: it.messageID}
	default:
		return nil, formError("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Callback type %d is not valid for a type %d interaction.", typ, it.typ)
	}
	it.acked, it.ackType = true, typ
	s.record(it, resp, msg)
	if r.query.Get("with_response") == "true" {
		cb := map[string]any{"id": it.id, "type": it.typ}
		out := map[string]any{"interaction": cb}
		if msg != nil {
			cb["response_message_id"] = msg.id
			cb["response_message_loading"] = msg.flags&flagLoading != 0
			cb["response_message_ephemeral"] = msg.ephemeral
			if typ == 4 || typ == 7 {
				out["resource"] = map[string]any{"type": typ, "message": s.messageJSON(msg, false)}
			}
		}
		return out, nil
	}
	return nil, nil
}

// newMessage stores a new message of the bot's; s.mu must be held.
func (s *Server) newMessage(channelID string, mb *msgBody, files []upload) *message {
	m := &message{
		id: s.newID(), channelID: channelID, authorID: s.appID(), content: mb.content,
		components: mb.components, parsed: mb.parsed, embeds: mb.embeds, files: files,
		flags: mb.flags, created: s.now(), am: mb.am,
	}
	if mb.ref != nil {
		m.refID = mb.ref.MessageID
	}
	s.messages[m.id] = m
	if c := s.channels[channelID]; c != nil && mb.flags&flagEphemeral == 0 {
		c.lastMessageID = m.id
	}
	return m
}

// applyEdit edits m; fields not in the body stay. s.mu must be held.
func (s *Server) applyEdit(m *message, mb *msgBody, files []upload) *apiError {
	content, comps, parsed, embeds := m.content, m.components, m.parsed, m.embeds
	if mb.hasContent {
		content = mb.content
	}
	if mb.hasComponents {
		comps, parsed = mb.components, mb.parsed
	}
	if mb.hasEmbeds {
		embeds = mb.embeds
	}
	kept := m.files
	if mb.hasAttach {
		keep := map[string]bool{}
		for _, a := range mb.attachments {
			var x struct {
				ID json.RawMessage `json:"id"`
			}
			json.Unmarshal(a, &x)
			keep[string(x.ID)] = true
		}
		kept = nil
		for i, f := range m.files {
			id := m.id + strconv.Itoa(i)
			if keep[`"`+id+`"`] || keep[id] {
				kept = append(kept, f)
			}
		}
	}
	kept = append(append([]upload(nil), kept...), files...)
	if content == "" && len(comps) == 0 && len(embeds) == 0 && len(kept) == 0 {
		return errEmptyMessage()
	}
	m.content, m.components, m.parsed, m.embeds, m.files = content, comps, parsed, embeds, kept
	if mb.am != nil {
		m.am = mb.am
	}
	m.flags &^= flagLoading
	now := s.now()
	m.edited = &now
	m.edits++
	return nil
}

// webhookInteraction finds the interaction of a webhook route; s.mu held.
func (s *Server) webhookInteraction(r *request) (*interaction, *apiError) {
	if r.vars["app"] != s.appID() {
		s.fail("webhook for application %s; the bot's application id is %s", r.vars["app"], s.appID())
		return nil, errUnknownWebhook()
	}
	it := s.byToken[r.vars["token"]]
	if it == nil || !it.acked {
		return nil, errUnknownWebhook()
	}
	if s.now().Sub(it.at) > TokenLifetime {
		return nil, &apiError{status: http.StatusUnauthorized, code: 50027, message: "Invalid Webhook Token"}
	}
	return it, nil
}

// webhookTarget finds the message {message} of a webhook route names.
func (s *Server) webhookTarget(it *interaction, id string) (*message, *apiError) {
	if id == "@original" {
		id = it.originalID
	} else if id != it.originalID && !it.followups[id] {
		return nil, errUnknownMessage()
	}
	m := s.messages[id]
	if id == "" || m == nil || m.deleted {
		return nil, errUnknownMessage()
	}
	return m, nil
}

func (s *Server) getWebhookMessage(r *request) (any, *apiError) {
	it, aerr := s.webhookInteraction(r)
	if aerr != nil {
		return nil, aerr
	}
	m, aerr := s.webhookTarget(it, r.vars["message"])
	if aerr != nil {
		return nil, aerr
	}
	return s.messageJSON(m, false), nil
}

func (s *Server) editWebhookMessage(r *request) (any, *apiError) {
	it, aerr := s.webhookInteraction(r)
	if aerr != nil {
		return nil, aerr
	}
	m, aerr := s.webhookTarget(it, r.vars["message"])
	if aerr != nil {
		return nil, aerr
	}
	if !r.isJSON && len(r.files) == 0 {
		return nil, badRequest(50035, "Invalid Form Body", "an edit without a body")
	}
	mb, aerr := parseMessageBody(r.body, "", interactionMessageFlags)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.applyEdit(m, mb, r.files); aerr != nil {
		return nil, aerr
	}
	if m.id == it.originalID {
		it.deferredOpen = false
	}
	s.echoMessage("MESSAGE_UPDATE", m)
	s.record(it, Response{Kind: "edit"}, m)
	return s.messageJSON(m, false), nil
}

func (s *Server) deleteWebhookMessage(r *request) (any, *apiError) {
	it, aerr := s.webhookInteraction(r)
	if aerr != nil {
		return nil, aerr
	}
	m, aerr := s.webhookTarget(it, r.vars["message"])
	if aerr != nil {
		return nil, aerr
	}
	m.deleted = true
	s.echoMessage("MESSAGE_DELETE", m)
	s.record(it, Response{Kind: "delete", MessageID: m.id}, nil)
	return nil, nil
}

// followup handles POST /webhooks/{app}/{token}. As on Discord, the first
// followup after a type 5 deferral edits the loading message instead of
// creating one.
func (s *Server) followup(r *request) (any, *apiError) {
	it, aerr := s.webhookInteraction(r)
	if aerr != nil {
		return nil, aerr
	}
	if r.query.Get("thread_id") != "" {
		return nil, badRequest(50035, "Invalid Form Body", "thread_id is not supported for interaction followups")
	}
	if !r.isJSON && len(r.files) == 0 {
		return nil, errEmptyMessage()
	}
	mb, aerr := parseMessageBody(r.body, "", interactionMessageFlags)
	if aerr != nil {
		return nil, aerr
	}
	if !mb.hasBody(r.files) {
		return nil, errEmptyMessage()
	}
	var m *message
	if it.deferredOpen {
		m = s.messages[it.originalID]
		if m == nil || m.deleted {
			return nil, errUnknownMessage()
		}
		if aerr := s.applyEdit(m, mb, r.files); aerr != nil {
			return nil, aerr
		}
		it.deferredOpen = false
		s.echoMessage("MESSAGE_UPDATE", m)
	} else {
		m = s.newMessage(it.channelID, mb, r.files)
		m.inter = it
		m.ephemeral = mb.flags&flagEphemeral != 0
		it.followups[m.id] = true
		s.echoMessage("MESSAGE_CREATE", m)
	}
	s.record(it, Response{Kind: "followup"}, m)
	return s.messageJSON(m, false), nil
}
