package discordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"sort"
	"strconv"
)

var filesField = regexp.MustCompile(`^files\[\d+\]$`)

// parseMultipart reads a multipart/form-data body: payload_json and
// files[n] parts, as discordgo's MultipartBodyWithJSON writes them.
func parseMultipart(r *request, raw []byte, boundary string) *apiError {
	mr := multipart.NewReader(bytes.NewReader(raw), boundary)
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return badRequest(50035, "Invalid Form Body", "multipart body: %v", err)
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return badRequest(50035, "Invalid Form Body", "multipart part %q: %v", p.FormName(), err)
		}
		switch name := p.FormName(); {
		case name == "payload_json":
			if !json.Valid(data) {
				return badRequest(50109, "The request body contains invalid JSON.", "payload_json: %s", truncate(string(data), 200))
			}
			r.body, r.isJSON = data, true
		case filesField.MatchString(name):
			if p.FileName() == "" {
				return badRequest(50035, "Invalid Form Body", "part %s without a file name", name)
			}
			r.files = append(r.files, upload{field: name, name: p.FileName(), contentType: p.Header.Get("Content-Type"), size: int64(len(data))})
		default:
			return badRequest(50035, "Invalid Form Body", "unexpected multipart part %q (want payload_json and files[n])", name)
		}
	}
	return nil
}

func (s *Server) getMe(r *request) (any, *apiError) {
	return s.botUserJSON(), nil
}

func (s *Server) getUser(r *request) (any, *apiError) {
	id := r.vars["user"]
	if id == s.appID() {
		return s.botUserJSON(), nil
	}
	u, ok := s.users[id]
	if !ok {
		return nil, errUnknownUser()
	}
	return userJSON(u), nil
}

// createDM handles POST /users/@me/channels {recipient_id}.
func (s *Server) createDM(r *request) (any, *apiError) {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if aerr := decodeJSON(r, &body); aerr != nil {
		return nil, aerr
	}
	if body.RecipientID == "" {
		return nil, formError("recipient_id", "BASE_TYPE_REQUIRED", "This field is required.")
	}
	if _, ok := s.users[body.RecipientID]; !ok {
		s.fail("POST /users/@me/channels: unknown user %s (create users with AddUser)", body.RecipientID)
		return nil, errUnknownUser()
	}
	return s.channelJSON(s.dmChannel(body.RecipientID)), nil
}

// commandScope checks the application and guild of a commands route.
func (s *Server) commandScope(r *request) (string, *apiError) {
	if r.vars["app"] != s.appID() {
		s.fail("commands of application %s; the bot's application id is %s", r.vars["app"], s.appID())
		return "", notFound(10002, "Unknown Application")
	}
	g := r.vars["guild"]
	if g != "" && s.guilds[g] == nil {
		return "", errMissingAccess()
	}
	return g, nil
}

func (s *Server) getCommands(r *request) (any, *apiError) {
	g, aerr := s.commandScope(r)
	if aerr != nil {
		return nil, aerr
	}
	out := s.commands[g]
	if out == nil {
		out = []json.RawMessage{}
	}
	return out, nil
}

// putCommands handles the bulk overwrite of global or guild commands.
func (s *Server) putCommands(r *request) (any, *apiError) {
	g, aerr := s.commandScope(r)
	if aerr != nil {
		return nil, aerr
	}
	var raws []json.RawMessage
	if aerr := decodeJSON(r, &raws); aerr != nil {
		return nil, aerr
	}
	type key struct {
		typ  int
		name string
	}
	oldIDs := map[key]string{}
	for _, raw := range s.commands[g] {
		var c struct {
			cmdDef
			ID string `json:"id"`
		}
		json.Unmarshal(raw, &c)
		oldIDs[key{max(c.Type, 1), c.Name}] = c.ID
	}
	seen := map[key]bool{}
	chat := 0
	var out []json.RawMessage
	for i, raw := range raws {
		path := strconv.Itoa(i)
		var def cmdDef
		if err := json.Unmarshal(raw, &def); err != nil {
			return nil, formError(path, "MODEL_TYPE_CONVERT", "Invalid command: %v", err)
		}
		if aerr := validateCommand(&def, path); aerr != nil {
			return nil, aerr
		}
		k := key{def.Type, def.Name}
		if seen[k] {
			return nil, formError(path+".name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique (%q).", def.Name)
		}
		seen[k] = true
		if def.Type == 1 {
			chat++
		}
		var fields map[string]any
		json.Unmarshal(raw, &fields)
		id := oldIDs[k]
		if id == "" {
			id = s.newID()
		}
		fields["id"], fields["application_id"], fields["version"], fields["type"] = id, s.appID(), s.newID(), def.Type
		if g != "" {
			fields["guild_id"] = g
		} else {
			delete(fields, "guild_id")
		}
		if _, ok := fields["default_member_permissions"]; !ok {
			fields["default_member_permissions"] = nil
		}
		if _, ok := fields["nsfw"]; !ok {
			fields["nsfw"] = false
		}
		if _, ok := fields["description"]; !ok {
			fields["description"] = ""
		}
		out = append(out, mustJSON(fields))
	}
	if chat > 100 {
		return nil, formError("", "APPLICATION_COMMANDS_TOO_MANY", "Maximum number of application commands reached (100).")
	}
	if out == nil {
		out = []json.RawMessage{}
	}
	s.commands[g] = out
	return out, nil
}

// Commands returns the registered commands of a guild ("" for the global
// ones) as Discord echoed them, with their ids.
func (s *Server) Commands(guildID string) []json.RawMessage {
	s.lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.commands[guildID]...)
}

// channelOf finds the channel of a channel route.
func (s *Server) channelOf(r *request) (*channel, *apiError) {
	c := s.channels[r.vars["channel"]]
	if c == nil {
		return nil, errUnknownChannel()
	}
	return c, nil
}

func (s *Server) getChannel(r *request) (any, *apiError) {
	c, aerr := s.channelOf(r)
	if aerr != nil {
		return nil, aerr
	}
	return s.channelJSON(c), nil
}

// listMessages handles GET /channels/{id}/messages with limit, before,
// after and around, answering newest first as Discord does.
func (s *Server) listMessages(r *request) (any, *apiError) {
	c, aerr := s.channelOf(r)
	if aerr != nil {
		return nil, aerr
	}
	limit := 50
	if v := r.query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return nil, formError("limit", "NUMBER_TYPE_MAX", "limit must be between 1 and 100 (got %q).", v)
		}
		limit = n
	}
	before, after, around := r.query.Get("before"), r.query.Get("after"), r.query.Get("around")
	all := s.channelMessages(c.id)
	var sel []*message
	switch {
	case around != "":
		idx := sort.Search(len(all), func(i int) bool { return !idLess(all[i].id, around) })
		lo := max(0, idx-limit/2)
		hi := min(len(all), lo+limit)
		sel = all[lo:hi]
	default:
		for _, m := range all {
			if (after == "" || idLess(after, m.id)) && (before == "" || idLess(m.id, before)) {
				sel = append(sel, m)
			}
		}
		if len(sel) > limit {
			if after != "" && before == "" {
				sel = sel[:limit]
			} else {
				sel = sel[len(sel)-limit:]
			}
		}
	}
	out := []any{}
	for i := len(sel) - 1; i >= 0; i-- {
		j := s.messageJSON(sel[i], false)
		if !s.AllowPrivileged && !s.contentVisible(sel[i]) {
			// As on the gateway: without the Message Content intent a
			// bot reads only its own messages, direct messages and
			// messages that mention it.
			j["content"], j["embeds"], j["attachments"], j["components"] = "", []any{}, []any{}, []any{}
		}
		out = append(out, j)
	}
	return out, nil
}

func (s *Server) sendMessage(r *request) (any, *apiError) {
	c, aerr := s.channelOf(r)
	if aerr != nil {
		return nil, aerr
	}
	if !r.isJSON && len(r.files) == 0 {
		return nil, errEmptyMessage()
	}
	mb := &msgBody{}
	if r.isJSON {
		if mb, aerr = parseMessageBody(r.body, "", channelMessageFlags); aerr != nil {
			return nil, aerr
		}
	}
	if !mb.hasBody(r.files) {
		return nil, errEmptyMessage()
	}
	if ref := mb.ref; ref != nil {
		if ref.ChannelID != "" && ref.ChannelID != c.id {
			return nil, formError("message_reference.channel_id", "MESSAGE_REFERENCE_CHANNEL_MISMATCH", "A reply must be in the channel of the message it replies to.")
		}
		rm := s.messages[ref.MessageID]
		if rm == nil || rm.deleted || rm.ephemeral || rm.channelID != c.id {
			if ref.FailIfNotExists == nil || *ref.FailIfNotExists {
				return nil, &apiError{status: http.StatusBadRequest, code: 50035, message: "Invalid Form Body",
					errors: map[string]any{"message_reference": map[string]any{"_errors": []any{map[string]any{
						"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}}}}}
			}
			mb.ref = nil
		}
	}
	m := s.newMessage(c.id, mb, r.files)
	s.echoMessage("MESSAGE_CREATE", m)
	return s.messageJSON(m, false), nil
}

func (s *Server) messageOf(r *request) (*channel, *message, *apiError) {
	c, aerr := s.channelOf(r)
	if aerr != nil {
		return nil, nil, aerr
	}
	m := s.messages[r.vars["message"]]
	if m == nil || m.deleted || m.ephemeral || m.channelID != c.id {
		return nil, nil, errUnknownMessage()
	}
	return c, m, nil
}

func (s *Server) getMessage(r *request) (any, *apiError) {
	_, m, aerr := s.messageOf(r)
	if aerr != nil {
		return nil, aerr
	}
	return s.messageJSON(m, false), nil
}

func (s *Server) editMessage(r *request) (any, *apiError) {
	_, m, aerr := s.messageOf(r)
	if aerr != nil {
		return nil, aerr
	}
	if m.authorID != s.appID() {
		return nil, &apiError{status: http.StatusForbidden, code: 50005, message: "Cannot edit a message authored by another user"}
	}
	if !r.isJSON && len(r.files) == 0 {
		return nil, badRequest(50035, "Invalid Form Body", "an edit without a body")
	}
	mb := &msgBody{}
	if r.isJSON {
		if mb, aerr = parseMessageBody(r.body, "", channelMessageFlags); aerr != nil {
			return nil, aerr
		}
	}
	if aerr := s.applyEdit(m, mb, r.files); aerr != nil {
		return nil, aerr
	}
	s.echoMessage("MESSAGE_UPDATE", m)
	return s.messageJSON(m, false), nil
}

func (s *Server) deleteMessage(r *request) (any, *apiError) {
	_, m, aerr := s.messageOf(r)
	if aerr != nil {
		return nil, aerr
	}
	m.deleted = true
	s.echoMessage("MESSAGE_DELETE", m)
	return nil, nil
}

type threadBody struct {
	Name                string `json:"name"`
	AutoArchiveDuration int    `json:"auto_archive_duration"`
	Type                int    `json:"type"`
	Invitable           bool   `json:"invitable"`
	RateLimitPerUser    int    `json:"rate_limit_per_user"`
}

func (s *Server) parseThread(r *request, c *channel) (*threadBody, *apiError) {
	var tb threadBody
	if aerr := decodeJSON(r, &tb); aerr != nil {
		return nil, aerr
	}
	if n := runes(tb.Name); n < 1 || n > 100 {
		return nil, formError("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length (got %d).", n)
	}
	switch tb.AutoArchiveDuration {
	case 0:
		tb.AutoArchiveDuration = 4320
	case 60, 1440, 4320, 10080:
	default:
		return nil, formError("auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}; got %d.", tb.AutoArchiveDuration)
	}
	if tb.RateLimitPerUser < 0 || tb.RateLimitPerUser > 21600 {
		return nil, formError("rate_limit_per_user", "NUMBER_TYPE_MAX", "Must be between 0 and 21600.")
	}
	if c.typ != ChannelGuildText {
		return nil, badRequest(50024, "Cannot execute action on this channel type", "threads can only be started in text channels; channel %s has type %d", c.id, c.typ)
	}
	return &tb, nil
}

func (s *Server) newThread(id string, parent *channel, tb *threadBody, typ int) *channel {
	th := &channel{id: id, guildID: parent.guildID, name: tb.Name, typ: typ, parentID: parent.id,
		ownerID: s.appID(), autoArchive: tb.AutoArchiveDuration, created: s.now()}
	s.channels[th.id] = th
	j := s.channelJSON(th)
	j["newly_created"] = true
	s.echoGuildEvent(th.guildID, "THREAD_CREATE", j)
	return th
}

// threadFromMessage handles POST /channels/{id}/messages/{mid}/threads:
// the new public thread's id is the message's id, as on Discord.
func (s *Server) threadFromMessage(r *request) (any, *apiError) {
	c, m, aerr := s.messageOf(r)
	if aerr != nil {
		return nil, aerr
	}
	tb, aerr := s.parseThread(r, c)
	if aerr != nil {
		return nil, aerr
	}
	if m.thread != "" || s.channels[m.id] != nil {
		return nil, &apiError{status: http.StatusBadRequest, code: 160004, message: "A thread has already been created for this message"}
	}
	th := s.newThread(m.id, c, tb, ChannelPublicThread)
	m.thread = th.id
	s.echoMessage("MESSAGE_UPDATE", m)
	return s.channelJSON(th), nil
}

// threadWithoutMessage handles POST /channels/{id}/threads; the type
// defaults to a private thread (12), as in API v9.
func (s *Server) threadWithoutMessage(r *request) (any, *apiError) {
	c, aerr := s.channelOf(r)
	if aerr != nil {
		return nil, aerr
	}
	tb, aerr := s.parseThread(r, c)
	if aerr != nil {
		return nil, aerr
	}
	typ := tb.Type
	if typ == 0 {
		typ = ChannelPrivateThread
	}
	if typ != ChannelPublicThread && typ != ChannelPrivateThread {
		return nil, formError("type", "BASE_TYPE_CHOICES", "Value must be 11 or 12 for a thread in a text channel; got %d.", typ)
	}
	th := s.newThread(s.newID(), c, tb, typ)
	return s.channelJSON(th), nil
}
