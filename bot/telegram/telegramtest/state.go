package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// User is a Telegram user (not a bot) taking part in a test.
type User struct {
	ID           int64
	FirstName    string
	Username     string // without "@"; may be empty
	LanguageCode string // e.g. "en"; may be empty
}

// Chat is a chat the bot is in. Type is "private", "group" or "supergroup";
// if empty it follows from ID: positive is private, -100… is a
// supergroup, other negative ids are groups. A private chat's ID is the
// user's ID (see Private).
type Chat struct {
	ID      int64
	Type    string
	Title   string
	IsForum bool // a supergroup with topics
}

// Private returns the private chat between u and the bot.
func Private(u User) Chat { return Chat{ID: u.ID, Type: "private"} }

// Sent is a message the bot sent, as it stands now (edits applied).
type Sent struct {
	MessageID int
	ChatID    int64
	ThreadID  int    // message_thread_id, 0 outside forum topics
	Text      string // text (or a document's caption) as the bot sent it, markup included
	ParseMode string // as sent: "", "HTML", …
	Plain     string // the text a user sees: markup parsed, entities decoded, trimmed
	Entities  []Entity
	Buttons   [][]Button // the inline keyboard
	// ReplyMarkup is the reply_markup as sent when it is not an inline
	// keyboard (a reply keyboard, remove_keyboard or force_reply), else "".
	ReplyMarkup  string
	ReplyTo      int // the message_id replied to, or 0
	Edits        int // successful editMessageText/editMessageReplyMarkup calls
	Document     string
	DocumentSize int64 // bytes uploaded; 0 when sent by file_id or URL
}

// Button is an inline keyboard button.
type Button struct {
	Text, CallbackData, URL string
}

// chat is the fake's state of one chat.
type chat struct {
	Chat
	member     bool   // the bot is in the group; a private chat: the user started the bot
	status     string // why member is false: "left", "kicked" (groups), "blocked" (private)
	migratedTo int64
	topics     map[int]*topic
	msgs       map[int]*message
	nextMsgID  int
	lastUser   *User // the last user who wrote, for service messages
}

type topic struct {
	name    string
	creator *User // nil: the bot
	date    int64
}

// message is one message in a chat, the bot's or a user's.
type message struct {
	id       int
	chat     *chat
	from     *User // nil: the bot
	date     int64
	editDate int64
	thread   int
	replyTo  int

	text      string // plain text, or caption
	raw       string // as sent, for the bot's messages
	parseMode string
	entities  []Entity

	buttons     [][]button
	replyMarkup string

	attachment string  // kind of a user's attachment: photo, voice, …
	document   *upload // the bot's sendDocument
	fileID     string

	service map[string]any // fields of a service message
	edits   int
	deleted bool
}

type button struct {
	Button
	raw map[string]json.RawMessage
}

// chatType infers a chat's type from its id when none is given.
func chatType(c Chat) string {
	switch {
	case c.Type != "":
		return c.Type
	case c.ID > 0:
		return "private"
	case c.ID <= -1000000000000:
		return "supergroup"
	default:
		return "group"
	}
}

// chatFor returns the state of c, registering it (with the bot in it) if
// new; a known chat's title and forum flag are updated. s.mu must be held.
func (s *Server) chatFor(c Chat) *chat {
	c.Type = chatType(c)
	st := s.chats[c.ID]
	if st == nil {
		st = &chat{Chat: c, member: c.Type != "private", topics: map[int]*topic{}, msgs: map[int]*message{}, nextMsgID: 1}
		s.chats[c.ID] = st
		return st
	}
	if c.Title != "" {
		st.Title = c.Title
	}
	if c.IsForum {
		st.IsForum = true
	}
	return st
}

func (s *Server) noteUser(u User) {
	if u.ID <= 0 {
		s.fail("user %+v: a user's ID must be positive", u)
	}
	s.users[u.ID] = u
}

func (c *chat) newMessage(from *User, date int64) *message {
	m := &message{id: c.nextMsgID, chat: c, from: from, date: date}
	c.nextMsgID++
	c.msgs[m.id] = m
	return m
}

// live returns the message id in c if it exists and was not deleted.
func (c *chat) live(id int) *message {
	if m := c.msgs[id]; m != nil && !m.deleted {
		return m
	}
	return nil
}

// JSON builders. Maps keep them short; encoding/json sorts the keys.

func (s *Server) botJSON() map[string]any {
	return map[string]any{"id": s.botID(), "is_bot": true, "first_name": "Samen", "username": s.botUsername()}
}

func userJSON(u User) map[string]any {
	j := map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName}
	if u.Username != "" {
		j["username"] = u.Username
	}
	if u.LanguageCode != "" {
		j["language_code"] = u.LanguageCode
	}
	return j
}

func (s *Server) fromJSON(u *User) map[string]any {
	if u == nil {
		return s.botJSON()
	}
	return userJSON(*u)
}

func (s *Server) chatJSON(c *chat) map[string]any {
	j := map[string]any{"id": c.ID, "type": c.Type}
	if c.Type == "private" {
		u := s.users[c.ID]
		j["first_name"] = u.FirstName
		if u.Username != "" {
			j["username"] = u.Username
		}
		return j
	}
	j["title"] = c.Title
	if c.IsForum {
		j["is_forum"] = true
	}
	return j
}

// messageJSON renders m as a Message. Like Telegram, a reply_to_message
// does not carry its own reply_to_message.
func (s *Server) messageJSON(m *message, nested bool) map[string]any {
	c := m.chat
	j := map[string]any{
		"message_id": m.id,
		"from":       s.fromJSON(m.from),
		"chat":       s.chatJSON(c),
		"date":       m.date,
	}
	if m.editDate != 0 {
		j["edit_date"] = m.editDate
	}
	if m.thread != 0 {
		j["message_thread_id"] = m.thread
		j["is_topic_message"] = true
	}
	if !nested {
		if m.replyTo != 0 {
			if r := c.msgs[m.replyTo]; r != nil {
				j["reply_to_message"] = s.messageJSON(r, true)
			}
		} else if m.thread != 0 {
			j["reply_to_message"] = s.topicCreatedJSON(c, m.thread)
		}
	}
	for k, v := range m.service {
		j[k] = v
	}
	textKey, entitiesKey := "text", "entities"
	if m.attachment != "" || m.document != nil || m.fileID != "" {
		textKey, entitiesKey = "caption", "caption_entities"
	}
	if m.attachment != "" {
		j[m.attachment] = s.attachmentJSON(m)
	}
	if m.document != nil || m.fileID != "" {
		doc := map[string]any{"file_id": m.fileID, "file_unique_id": "u" + m.fileID}
		if m.document != nil {
			doc["file_name"] = m.document.name
			doc["file_size"] = m.document.size
			if mt := mimeByName(m.document.name); mt != "" {
				doc["mime_type"] = mt
			}
		}
		j["document"] = doc
	}
	if m.text != "" {
		j[textKey] = m.text
		if len(m.entities) > 0 {
			j[entitiesKey] = m.entities
		}
	}
	if len(m.buttons) > 0 {
		rows := make([][]map[string]json.RawMessage, len(m.buttons))
		for i, row := range m.buttons {
			for _, b := range row {
				rows[i] = append(rows[i], b.raw)
			}
		}
		j["reply_markup"] = map[string]any{"inline_keyboard": rows}
	}
	return j
}

// topicCreatedJSON is the service message that created a forum topic, which
// Telegram gives as the reply_to_message of every message in the topic.
func (s *Server) topicCreatedJSON(c *chat, thread int) map[string]any {
	tp := c.topics[thread]
	if tp == nil {
		tp = &topic{name: fmt.Sprintf("Topic %d", thread)}
	}
	return map[string]any{
		"message_id":          thread,
		"from":                s.fromJSON(tp.creator),
		"chat":                s.chatJSON(c),
		"date":                tp.date,
		"message_thread_id":   thread,
		"is_topic_message":    true,
		"forum_topic_created": map[string]any{"name": tp.name, "icon_color": 7322096},
	}
}

// attachmentKinds are the kinds Attachment accepts, with whether they can
// have a caption.
var attachmentKinds = map[string]bool{
	"photo": true, "voice": true, "document": true, "video": true, "audio": true, "animation": true,
	"sticker": false, "video_note": false, "location": false, "contact": false,
}

func (s *Server) attachmentJSON(m *message) any {
	id := fmt.Sprintf("%s-%d-%d", m.attachment, m.chat.ID, m.id)
	file := map[string]any{"file_id": id, "file_unique_id": "u" + id}
	with := func(kv ...any) map[string]any {
		out := map[string]any{}
		for k, v := range file {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	switch m.attachment {
	case "photo":
		small, big := with("width", 90, "height", 90, "file_size", 1200), with("width", 800, "height", 800, "file_size", 64000)
		small["file_id"], small["file_unique_id"] = id+"-s", "u"+id+"-s"
		return []any{small, big}
	case "voice":
		return with("duration", 3, "mime_type", "audio/ogg", "file_size", 9000)
	case "sticker":
		return with("type", "regular", "width", 512, "height", 512, "is_animated", false, "is_video", false, "emoji", "👍")
	case "document":
		return with("file_name", "notes.pdf", "mime_type", "application/pdf", "file_size", 20000)
	case "video":
		return with("width", 640, "height", 360, "duration", 5, "mime_type", "video/mp4")
	case "audio":
		return with("duration", 30, "mime_type", "audio/mpeg")
	case "animation":
		return with("width", 320, "height", 240, "duration", 2)
	case "video_note":
		return with("length", 240, "duration", 4)
	case "location":
		return map[string]any{"latitude": 52.37, "longitude": 4.89}
	case "contact":
		u := m.from
		return map[string]any{"phone_number": "+31600000000", "first_name": u.FirstName, "user_id": u.ID}
	}
	return nil
}

func mimeByName(name string) string {
	switch strings.ToLower(name[strings.LastIndexByte(name, '.')+1:]) {
	case "md":
		return "text/markdown"
	case "txt":
		return "text/plain"
	case "pdf":
		return "application/pdf"
	case "json":
		return "application/json"
	case "csv":
		return "text/csv"
	case "html":
		return "text/html"
	}
	return ""
}

// sent renders a message of the bot's for Chat.
func (m *message) sent() Sent {
	out := Sent{
		MessageID:   m.id,
		ChatID:      m.chat.ID,
		ThreadID:    m.thread,
		Text:        m.raw,
		ParseMode:   m.parseMode,
		Plain:       m.text,
		Entities:    append([]Entity(nil), m.entities...),
		ReplyMarkup: m.replyMarkup,
		ReplyTo:     m.replyTo,
		Edits:       m.edits,
	}
	for _, row := range m.buttons {
		var r []Button
		for _, b := range row {
			r = append(r, b.Button)
		}
		out.Buttons = append(out.Buttons, r)
	}
	if m.document != nil {
		out.Document, out.DocumentSize = m.document.name, m.document.size
	} else if m.fileID != "" {
		out.Document = m.fileID
	}
	return out
}

// Chat returns the messages the bot sent to chatID that have not been
// deleted, as they stand now (edits applied), by message id. Service
// messages (a topic the bot created) are left out.
func (s *Server) Chat(chatID int64) []Sent {
	s.lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var ids []int
	for id, m := range c.msgs {
		if m.from == nil && !m.deleted && m.service == nil {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	out := make([]Sent, len(ids))
	for i, id := range ids {
		out[i] = c.msgs[id].sent()
	}
	return out
}

// resolveChat finds the chat a chat_id parameter names, for a method that
// acts in it: the chat must exist, not have been migrated, and have the
// bot in it (a private chat: the user must have started the bot).
func (s *Server) resolveChat(r *request, name string) (*chat, *apiError) {
	text := strings.TrimSpace(r.str(name))
	id, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		// @username: the fake keeps no usernames of chats.
		return nil, badRequest("chat not found")
	}
	c := s.chats[id]
	if c != nil && c.migratedTo != 0 {
		return nil, &apiError{code: http.StatusBadRequest, desc: "Bad Request: group chat was upgraded to a supergroup chat", migrateTo: c.migratedTo}
	}
	if id > 0 {
		switch {
		case c != nil && c.member:
			return c, nil
		case c != nil && c.status == "blocked":
			return nil, forbidden("bot was blocked by the user")
		case id == s.botID():
			return nil, forbidden("bots can't send messages to bots")
		}
		return nil, forbidden("bot can't initiate conversation with a user")
	}
	if c == nil {
		return nil, badRequest("chat not found")
	}
	if !c.member {
		if c.status == "kicked" {
			return nil, forbidden(fmt.Sprintf("bot was kicked from the %s chat", c.Type))
		}
		return nil, forbidden(fmt.Sprintf("bot is not a member of the %s chat", c.Type))
	}
	return c, nil
}
