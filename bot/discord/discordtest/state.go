package discordtest

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Channel types used by the fake.
const (
	ChannelGuildText     = 0
	ChannelDM            = 1
	ChannelPublicThread  = 11
	ChannelPrivateThread = 12
)

// Gateway intents the fake looks at.
const (
	intentGuilds         = 1 << 0
	intentGuildMembers   = 1 << 1
	intentGuildPresences = 1 << 8
	intentGuildMessages  = 1 << 9
	intentDirectMessages = 1 << 12
	intentMessageContent = 1 << 15

	privilegedIntents = intentGuildMembers | intentGuildPresences | intentMessageContent
	validIntents      = (1<<17 - 1) | 1<<20 | 1<<21 | 1<<24 | 1<<25
)

const (
	discordEpoch    = 1420070400000 // ms
	memberPerms     = "2248473465835073"
	attachmentLimit = 10485760
)

// User is a Discord user (not a bot) taking part in a test. Name is used
// as both username and global_name. Locale is the user's client locale,
// sent as the interaction's locale (a Discord locale such as "nl", "en-US").
type User struct {
	ID, Name, Locale string
}

// Message is a channel message as the fake holds it now: edits applied,
// deleted messages gone.
type Message struct {
	ID, ChannelID, AuthorID, Content string
	Components                       []Component
	Edits                            int // successful edits (PATCH, UPDATE_MESSAGE, interaction edits)

	// AllowedMentionsParse is allowed_mentions.parse of the last request
	// that set allowed_mentions; nil if none did. With
	// HasAllowedMentions true, an empty AllowedMentionsParse means the
	// message pings nobody through @everyone, @here or roles.
	AllowedMentionsParse []string
	HasAllowedMentions   bool
	// PingsEveryone is whether the content holds @everyone or @here and
	// allowed_mentions lets it ping (no allowed_mentions means it does).
	PingsEveryone bool

	ReferencedID  string   // message_reference.message_id of a reply
	Flags         int      // message flags, e.g. 64 ephemeral, 128 loading
	Files         []string // names of the uploaded files
	Embeds        int      // number of embeds
	Ephemeral     bool     // an ephemeral interaction reply (only Message returns these)
	InteractionID string   // the interaction this message answers, if any
}

// Component is a message or modal component as the bot sent it. Action
// rows (Type 1) hold buttons (Type 2) or a select (Type 3, 5–8).
type Component struct {
	Type        int
	CustomID    string
	Label       string
	URL         string
	Style       int
	Disabled    bool
	Placeholder string
	Options     []SelectOption
	Components  []Component
}

// SelectOption is an option of a string select.
type SelectOption struct {
	Label, Value, Description string
	Default                   bool
}

type guild struct {
	id, name string
	joined   time.Time
}

type channel struct {
	id, guildID, name string
	typ               int
	parentID          string
	ownerID           string
	recipient         string // a DM's user
	autoArchive       int
	created           time.Time
	lastMessageID     string
}

type allowedMentions struct {
	Parse       []string `json:"parse"`
	Users       []string `json:"users"`
	Roles       []string `json:"roles"`
	RepliedUser bool     `json:"replied_user"`
}

// message is any message the fake knows: the bot's, a user's, an
// ephemeral interaction reply.
type message struct {
	id, channelID, authorID string
	typ                     int
	content                 string
	components              []json.RawMessage // as sent
	parsed                  []Component
	embeds                  []json.RawMessage
	files                   []upload
	flags                   int
	created                 time.Time
	edited                  *time.Time
	edits                   int
	am                      *allowedMentions
	refID                   string
	inter                   *interaction // the interaction this message answers
	ephemeral               bool
	deleted                 bool
	thread                  string // the thread started from this message
}

func (m *message) pingsEveryone() bool {
	if !strings.Contains(m.content, "@everyone") && !strings.Contains(m.content, "@here") {
		return false
	}
	if m.am == nil {
		return true
	}
	for _, p := range m.am.Parse {
		if p == "everyone" {
			return true
		}
	}
	return false
}

func (m *message) export() Message {
	out := Message{
		ID: m.id, ChannelID: m.channelID, AuthorID: m.authorID, Content: m.content,
		Components: cloneComponents(m.parsed), Edits: m.edits, ReferencedID: m.refID,
		Flags: m.flags, Embeds: len(m.embeds), Ephemeral: m.ephemeral, PingsEveryone: m.pingsEveryone(),
	}
	if m.am != nil {
		out.HasAllowedMentions = true
		out.AllowedMentionsParse = append([]string{}, m.am.Parse...)
	}
	for _, f := range m.files {
		out.Files = append(out.Files, f.name)
	}
	if m.inter != nil {
		out.InteractionID = m.inter.id
	}
	return out
}

func cloneComponents(cs []Component) []Component {
	if cs == nil {
		return nil
	}
	out := make([]Component, len(cs))
	for i, c := range cs {
		out[i] = c
		out[i].Options = append([]SelectOption(nil), c.Options...)
		out[i].Components = cloneComponents(c.Components)
	}
	return out
}

// newID returns a new snowflake, made from s.now like Discord's and
// larger than every earlier one. s.mu must be held.
func (s *Server) newID() string {
	ms := s.now().UnixMilli() - discordEpoch
	if ms < 0 {
		ms = 0
	}
	id := uint64(ms) << 22
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return strconv.FormatUint(id, 10)
}

func idLess(a, b string) bool {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	return x < y
}

func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000+00:00")
}

// AddGuild adds a guild the bot is in and returns its id. If the bot is
// connected, it gets GUILD_CREATE.
func (s *Server) AddGuild(name string) string {
	s.lock()
	defer s.mu.Unlock()
	g := &guild{id: s.newID(), name: name, joined: s.now()}
	s.guilds[g.id] = g
	s.guildOrder = append(s.guildOrder, g.id)
	s.echoGuildEvent(g.id, "GUILD_CREATE", s.guildCreateJSON(g))
	s.notify()
	return g.id
}

// AddChannel adds a text channel (GUILD_TEXT, type 0) to a guild and
// returns its id. If the bot is connected, it gets CHANNEL_CREATE.
func (s *Server) AddChannel(guildID, name string) string {
	s.lock()
	defer s.mu.Unlock()
	if s.guilds[guildID] == nil {
		s.fail("AddChannel: unknown guild %s", guildID)
		return ""
	}
	c := &channel{id: s.newID(), guildID: guildID, name: name, typ: ChannelGuildText, created: s.now()}
	s.channels[c.id] = c
	s.echoGuildEvent(guildID, "CHANNEL_CREATE", s.channelJSON(c))
	s.notify()
	return c.id
}

// AddThread adds a public thread (type 11), created by nobody in
// particular, under a text channel and returns its id. If the bot is
// connected, it gets THREAD_CREATE.
func (s *Server) AddThread(parentChannelID, name string) string {
	s.lock()
	defer s.mu.Unlock()
	p := s.channels[parentChannelID]
	if p == nil || p.typ != ChannelGuildText {
		s.fail("AddThread: %s is not a known text channel", parentChannelID)
		return ""
	}
	c := &channel{id: s.newID(), guildID: p.guildID, name: name, typ: ChannelPublicThread, parentID: p.id,
		autoArchive: 1440, created: s.now()}
	s.channels[c.id] = c
	j := s.channelJSON(c)
	j["newly_created"] = true
	s.echoGuildEvent(c.guildID, "THREAD_CREATE", j)
	s.notify()
	return c.id
}

// AddUser adds a user with a new id. locale is a Discord locale ("nl",
// "en-US", "en-GB", …); "" means "nl".
func (s *Server) AddUser(name, locale string) User {
	if locale == "" {
		locale = "nl"
	}
	s.lock()
	defer s.mu.Unlock()
	if !validLocales[locale] {
		s.fail("AddUser(%q): %q is not a Discord locale", name, locale)
	}
	u := User{ID: s.newID(), Name: name, Locale: locale}
	s.users[u.ID] = u
	return u
}

// DMChannel returns the id of u's DM channel with the bot, creating it on
// first use; POST /users/@me/channels answers the same channel.
func (s *Server) DMChannel(u User) string {
	s.lock()
	defer s.mu.Unlock()
	s.noteUser(u)
	return s.dmChannel(u.ID).id
}

func (s *Server) noteUser(u User) {
	if _, ok := s.users[u.ID]; !ok {
		if u.ID == "" {
			s.fail("user %+v has no ID; create users with AddUser", u)
		}
		if u.Locale == "" {
			u.Locale = "nl"
		}
		s.users[u.ID] = u
	}
}

func (s *Server) dmChannel(userID string) *channel {
	if id := s.dms[userID]; id != "" {
		return s.channels[id]
	}
	c := &channel{id: s.newID(), typ: ChannelDM, recipient: userID, created: s.now()}
	s.channels[c.id] = c
	s.dms[userID] = c.id
	return c
}

// Messages returns the messages in a channel as they stand now (edits
// applied, deleted ones left out), oldest first: the bot's and the users'.
// Ephemeral interaction replies are not channel messages and are left out.
func (s *Server) Messages(channelID string) []Message {
	s.lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.channelMessages(channelID) {
		out = append(out, m.export())
	}
	return out
}

// Message returns any message the fake holds by id, ephemeral replies
// included, as long as it was not deleted.
func (s *Server) Message(id string) (Message, bool) {
	s.lock()
	defer s.mu.Unlock()
	m := s.messages[id]
	if m == nil || m.deleted {
		return Message{}, false
	}
	return m.export(), true
}

// channelMessages returns the live, visible messages of a channel by id.
func (s *Server) channelMessages(channelID string) []*message {
	var out []*message
	for _, m := range s.messages {
		if m.channelID == channelID && !m.deleted && !m.ephemeral {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return idLess(out[i].id, out[j].id) })
	return out
}

// JSON builders. Maps keep them short.

func (s *Server) botUserJSON() map[string]any {
	return map[string]any{
		"id": s.appID(), "username": s.botName(), "global_name": nil, "discriminator": "0",
		"avatar": nil, "bot": true, "verified": true, "flags": 0, "public_flags": 0, "mfa_enabled": false,
	}
}

func userJSON(u User) map[string]any {
	return map[string]any{
		"id": u.ID, "username": u.Name, "global_name": u.Name, "discriminator": "0",
		"avatar": nil, "public_flags": 0,
	}
}

func (s *Server) authorJSON(id string) map[string]any {
	if id == s.appID() {
		return s.botUserJSON()
	}
	if u, ok := s.users[id]; ok {
		return userJSON(u)
	}
	return map[string]any{"id": id, "username": "unknown", "discriminator": "0", "avatar": nil}
}

func (s *Server) memberJSON(guildID string, u map[string]any) map[string]any {
	joined := s.now()
	if g := s.guilds[guildID]; g != nil {
		joined = g.joined
	}
	return map[string]any{
		"user": u, "roles": []string{}, "joined_at": timestamp(joined), "deaf": false, "mute": false,
		"pending": false, "nick": nil, "avatar": nil, "premium_since": nil, "flags": 0,
		"permissions": memberPerms, "communication_disabled_until": nil,
	}
}

func (s *Server) channelJSON(c *channel) map[string]any {
	j := map[string]any{"id": c.id, "type": c.typ, "flags": 0}
	if c.lastMessageID != "" {
		j["last_message_id"] = c.lastMessageID
	} else {
		j["last_message_id"] = nil
	}
	switch c.typ {
	case ChannelDM:
		var rec []any
		if u, ok := s.users[c.recipient]; ok {
			rec = append(rec, userJSON(u))
		}
		j["recipients"] = rec
	case ChannelPublicThread, ChannelPrivateThread:
		owner := c.ownerID
		if owner == "" {
			owner = s.appID()
		}
		j["guild_id"], j["name"], j["parent_id"], j["owner_id"] = c.guildID, c.name, c.parentID, owner
		j["rate_limit_per_user"], j["message_count"], j["member_count"], j["total_message_sent"] = 0, 0, 1, 0
		j["thread_metadata"] = map[string]any{
			"archived": false, "auto_archive_duration": c.autoArchive, "archive_timestamp": timestamp(c.created),
			"locked": false, "create_timestamp": timestamp(c.created),
		}
	default:
		j["guild_id"], j["name"], j["position"], j["parent_id"] = c.guildID, c.name, 0, nil
		j["topic"], j["nsfw"], j["rate_limit_per_user"] = nil, false, 0
		j["permission_overwrites"] = []any{}
	}
	return j
}

func (s *Server) guildCreateJSON(g *guild) map[string]any {
	var channels, threads []any
	var ids []string
	for id, c := range s.channels {
		if c.guildID == g.id {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return idLess(ids[i], ids[j]) })
	for _, id := range ids {
		c := s.channels[id]
		if c.typ == ChannelGuildText {
			channels = append(channels, s.channelJSON(c))
		} else {
			threads = append(threads, s.channelJSON(c))
		}
	}
	return map[string]any{
		"id": g.id, "name": g.name, "icon": nil, "owner_id": "1", "joined_at": timestamp(g.joined),
		"large": false, "unavailable": false, "member_count": 1, "preferred_locale": "en-US",
		"members":  []any{s.memberJSON(g.id, s.botUserJSON())},
		"channels": nonNil(channels), "threads": nonNil(threads),
		"roles":  []any{map[string]any{"id": g.id, "name": "@everyone", "permissions": memberPerms, "position": 0, "color": 0, "hoist": false, "managed": false, "mentionable": false}},
		"emojis": []any{}, "stickers": []any{}, "features": []any{}, "voice_states": []any{}, "presences": []any{},
		"stage_instances": []any{}, "guild_scheduled_events": []any{}, "system_channel_id": nil,
	}
}

func nonNil(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// messageJSON renders m as a message object. Like Discord, a
// referenced_message does not carry its own referenced_message.
func (s *Server) messageJSON(m *message, nested bool) map[string]any {
	var edited any
	if m.edited != nil {
		edited = timestamp(*m.edited)
	}
	attachments := []any{}
	for i, f := range m.files {
		attachments = append(attachments, map[string]any{
			"id": m.id + strconv.Itoa(i), "filename": f.name, "size": f.size, "content_type": f.contentType,
			"url":       "https://cdn.discordapp.com/attachments/" + m.channelID + "/" + m.id + "/" + f.name,
			"proxy_url": "https://media.discordapp.net/attachments/" + m.channelID + "/" + m.id + "/" + f.name,
		})
	}
	components := []json.RawMessage{}
	if m.components != nil {
		components = m.components
	}
	embeds := []json.RawMessage{}
	if m.embeds != nil {
		embeds = m.embeds
	}
	mentions := []any{}
	if s.mentionsBot(m) {
		mentions = append(mentions, s.botUserJSON())
	}
	for _, match := range userMention.FindAllStringSubmatch(m.content, -1) {
		if u, ok := s.users[match[1]]; ok {
			mentions = append(mentions, userJSON(u))
		}
	}
	j := map[string]any{
		"id": m.id, "channel_id": m.channelID, "type": m.typ, "content": m.content,
		"author": s.authorJSON(m.authorID), "timestamp": timestamp(m.created), "edited_timestamp": edited,
		"tts": false, "mention_everyone": m.pingsEveryone(), "mentions": mentions, "mention_roles": []any{},
		"attachments": attachments, "embeds": embeds, "pinned": false, "flags": m.flags, "components": components,
	}
	if m.refID != "" {
		ref := map[string]any{"type": 0, "message_id": m.refID, "channel_id": m.channelID}
		if c := s.channels[m.channelID]; c != nil && c.guildID != "" {
			ref["guild_id"] = c.guildID
		}
		j["message_reference"] = ref
		if r := s.messages[m.refID]; r != nil && !r.deleted && !nested {
			j["referenced_message"] = s.messageJSON(r, true)
		} else {
			j["referenced_message"] = nil
		}
	}
	if m.inter != nil {
		j["webhook_id"] = s.appID()
		j["application_id"] = s.appID()
		meta := map[string]any{
			"id": m.inter.id, "type": m.inter.typ, "user": userJSON(m.inter.user),
			"authorizing_integration_owners": m.inter.owners(),
		}
		if m.inter.typ == 2 {
			meta["name"] = m.inter.name
		}
		if m.inter.messageID != "" {
			meta["interacted_message_id"] = m.inter.messageID
		}
		j["interaction_metadata"] = meta
	}
	if m.thread != "" {
		if c := s.channels[m.thread]; c != nil {
			j["thread"] = s.channelJSON(c)
		}
	}
	return j
}

// gatewayMessageJSON is a message as MESSAGE_CREATE or MESSAGE_UPDATE
// carries it: with guild_id and member in guilds, and without content
// and components where the MESSAGE_CONTENT intent is needed and missing.
func (s *Server) gatewayMessageJSON(m *message, intents int) map[string]any {
	j := s.messageJSON(m, false)
	c := s.channels[m.channelID]
	if c != nil && c.guildID != "" {
		j["guild_id"] = c.guildID
		j["member"] = s.memberJSON(c.guildID, nil)
		delete(j["member"].(map[string]any), "user")
	}
	if intents&intentMessageContent == 0 && !s.contentVisible(m) {
		j["content"], j["embeds"], j["attachments"], j["components"] = "", []any{}, []any{}, []any{}
	}
	return j
}

// userMention is how a message's text mentions a person: <@id> or <@!id>.
var userMention = regexp.MustCompile(`<@!?([0-9]+)>`)

// contentVisible reports whether a bot without the Message Content intent
// may read m: its own message, a direct message, or one that mentions it.
func (s *Server) contentVisible(m *message) bool {
	c := s.channels[m.channelID]
	return m.authorID == s.appID() || (c != nil && c.typ == ChannelDM) || s.mentionsBot(m)
}

func (s *Server) mentionsBot(m *message) bool {
	return strings.Contains(m.content, "<@"+s.appID()+">") || strings.Contains(m.content, "<@!"+s.appID()+">")
}

// echoGuildEvent dispatches a guild, channel or thread event of guildID
// to the current session of each shard that owns it, if it asked for
// GUILDS.
func (s *Server) echoGuildEvent(guildID, event string, d any) {
	for _, sess := range s.sessionsFor(guildID) {
		if sess.intents&intentGuilds != 0 {
			s.dispatchLocked(sess, event, d)
		}
	}
}

// echoMessage dispatches MESSAGE_CREATE/UPDATE/DELETE for m to the current
// session of the shard that owns its guild (shard 0 for a DM), if it asked
// for the guild or DM message intent.
func (s *Server) echoMessage(event string, m *message) {
	if s.last == nil || m.ephemeral {
		return
	}
	c := s.channels[m.channelID]
	if c == nil {
		return
	}
	need := intentGuildMessages
	if c.typ == ChannelDM {
		need = intentDirectMessages
	}
	for _, sess := range s.sessionsFor(c.guildID) {
		if sess.intents&need == 0 {
			continue
		}
		var d any
		if event == "MESSAGE_DELETE" {
			dd := map[string]any{"id": m.id, "channel_id": m.channelID}
			if c.guildID != "" {
				dd["guild_id"] = c.guildID
			}
			d = dd
		} else {
			d = s.gatewayMessageJSON(m, sess.intents)
		}
		s.dispatchLocked(sess, event, d)
	}
}

// validLocales are Discord's locales.
var validLocales = map[string]bool{
	"id": true, "da": true, "de": true, "en-GB": true, "en-US": true, "es-ES": true, "es-419": true,
	"fr": true, "hr": true, "it": true, "lt": true, "hu": true, "nl": true, "no": true, "pl": true,
	"pt-BR": true, "ro": true, "fi": true, "sv-SE": true, "vi": true, "tr": true, "cs": true, "el": true,
	"bg": true, "ru": true, "uk": true, "hi": true, "th": true, "zh-CN": true, "ja": true, "zh-TW": true,
	"ko": true,
}
