package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// MsgOption changes a message Message queues.
type MsgOption func(*msgOptions)

type msgOptions struct {
	thread      int
	replyTo     int
	attachment  string
	edit        int
	entities    []Entity
	hasEntities bool
}

// InThread puts the message in the forum topic threadID: it gets
// message_thread_id and is_topic_message, and, as in real Telegram, a
// reply_to_message that is the topic's creation message (message id
// threadID, with forum_topic_created) unless ReplyTo names another. The
// chat must be a forum (Chat.IsForum).
func InThread(threadID int) MsgOption { return func(o *msgOptions) { o.thread = threadID } }

// ReplyTo makes the message a reply to messageID in the same chat, which
// the fake must know (a message of the bot's or from Message). The
// reply_to_message is a copy of the stored message, including its from.
func ReplyTo(messageID int) MsgOption { return func(o *msgOptions) { o.replyTo = messageID } }

// Attachment sends a file of the given kind instead of text: photo, voice,
// document, video, audio, animation (the text, if any, becomes the caption),
// or sticker, video_note, location, contact (the text is ignored).
func Attachment(kind string) MsgOption { return func(o *msgOptions) { o.attachment = kind } }

// Edit makes the update an edited_message: the user's earlier message
// messageID, now with the given text.
func Edit(messageID int) MsgOption { return func(o *msgOptions) { o.edit = messageID } }

// WithEntities gives the message exactly these entities (offsets in UTF-16
// code units) instead of the ones the fake finds itself (a bot_command for
// every "/command" at the start of a word, a mention for every @username).
func WithEntities(entities ...Entity) MsgOption {
	return func(o *msgOptions) { o.entities, o.hasEntities = entities, true }
}

// enqueue adds an update of the given kind; s.mu must be held.
func (s *Server) enqueue(kind string, payload any) int64 {
	id := s.nextUpdateID
	s.nextUpdateID++
	body, err := json.Marshal(payload)
	if err != nil {
		panic("telegramtest: " + err.Error())
	}
	raw := fmt.Appendf(nil, `{"update_id":%d,%q:%s}`, id, kind, body)
	s.insert(queued{id: id, kind: kind, raw: raw})
	return id
}

func (s *Server) insert(q queued) {
	s.everQueued[q.id] = q.raw
	i := sort.Search(len(s.queue), func(i int) bool { return s.queue[i].id > q.id })
	s.queue = append(s.queue, queued{})
	copy(s.queue[i+1:], s.queue[i:])
	s.queue[i] = q
	s.notify()
}

// Message queues a message from a user in a chat, or with Edit an
// edited_message, and returns its update_id and message_id. A message in a
// private chat means the user has started the bot, so the bot may write to
// them. A text starting a word with "/" gets a bot_command entity (UTF-16
// length), "@name" a mention entity.
//
// In a group, with the bot in privacy mode (CanReadAllGroupMessages false),
// a message that is not a command for this bot, not a reply to the bot and
// not in a topic the bot created does not reach the bot: it is stored
// (others may reply to it) but not queued, and the update id is 0. Nor are
// messages queued in a chat the bot has left.
func (s *Server) Message(from User, c Chat, text string, opts ...MsgOption) (updateID int64, messageID int) {
	var o msgOptions
	for _, opt := range opts {
		opt(&o)
	}
	s.lock()
	defer s.mu.Unlock()
	s.noteUser(from)
	st := s.chatFor(c)
	if st.Type == "private" {
		if st.ID != from.ID {
			s.fail("Message: private chat %d is not the chat of user %d", st.ID, from.ID)
			return 0, 0
		}
		st.member, st.status = true, ""
	}
	u := from
	st.lastUser = &u

	var m *message
	if o.edit != 0 {
		m = st.live(o.edit)
		if m == nil || m.from == nil || m.from.ID != from.ID {
			s.fail("Message: Edit(%d): no message of user %d in chat %d", o.edit, from.ID, st.ID)
			return 0, 0
		}
		m.editDate = s.now().Unix()
	} else {
		m = st.newMessage(&u, s.now().Unix())
		if o.thread != 0 {
			if !st.IsForum {
				s.fail("Message: InThread(%d) in chat %d, which is not a forum (set Chat.IsForum)", o.thread, st.ID)
			}
			m.thread = o.thread
			if st.topics[o.thread] == nil {
				st.topics[o.thread] = &topic{name: fmt.Sprintf("Topic %d", o.thread), creator: &u, date: m.date}
			}
			// Message ids in a chat only grow: the topic was created by
			// message threadID.
			if st.nextMsgID <= o.thread {
				delete(st.msgs, m.id)
				m.id = o.thread + 1
				st.nextMsgID = m.id + 1
				st.msgs[m.id] = m
			}
		}
		if o.replyTo != 0 {
			r := st.live(o.replyTo)
			if r == nil {
				s.fail("Message: ReplyTo(%d): no such message in chat %d", o.replyTo, st.ID)
			} else {
				m.replyTo = o.replyTo
				if m.thread == 0 {
					m.thread = r.thread
				}
			}
		}
	}
	if o.attachment != "" {
		captioned, ok := attachmentKinds[o.attachment]
		if !ok {
			s.fail("Message: unknown Attachment kind %q", o.attachment)
			return 0, 0
		}
		m.attachment = o.attachment
		if !captioned {
			text = ""
		}
	}
	m.text = text
	m.raw = text
	if o.hasEntities {
		m.entities = o.entities
	} else {
		m.entities = autoEntities(text)
	}

	kind := "message"
	if o.edit != 0 {
		kind = "edited_message"
	}
	if !s.delivered(st, m) {
		return 0, m.id
	}
	return s.enqueue(kind, s.messageJSON(m, false)), m.id
}

// delivered reports whether the bot receives m, under privacy mode.
func (s *Server) delivered(c *chat, m *message) bool {
	if c.Type == "private" {
		return true
	}
	if !c.member {
		return false
	}
	if s.CanReadAllGroupMessages || m.service != nil {
		return true
	}
	for _, e := range m.entities {
		if e.Type != "bot_command" {
			continue
		}
		cmd := substrUTF16(m.text, e.Offset, e.Length)
		if _, at, ok := strings.Cut(cmd, "@"); !ok || strings.EqualFold(at, s.botUsername()) {
			return true
		}
	}
	if m.replyTo != 0 {
		if r := c.msgs[m.replyTo]; r != nil && r.from == nil {
			return true
		}
	} else if m.thread != 0 {
		if tp := c.topics[m.thread]; tp != nil && tp.creator == nil {
			return true
		}
	}
	return false
}

// autoEntities finds the entities Telegram adds to a user's plain text:
// bot_command for "/command[@bot]" and mention for "@username" at the start
// of a word.
func autoEntities(text string) []Entity {
	var out []Entity
	u16 := 0
	prevSpace := true
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if prevSpace && (r == '/' || r == '@') {
			j := i + 1
			for j < len(text) && isWordByte(text[j]) {
				j++
			}
			typ := "mention"
			if r == '/' {
				typ = "bot_command"
				if j < len(text) && text[j] == '@' {
					k := j + 1
					for k < len(text) && isWordByte(text[k]) {
						k++
					}
					if k > j+1 {
						j = k
					}
				}
			}
			if j > i+1 && (typ == "bot_command" || j-i-1 >= 4) {
				out = append(out, Entity{Type: typ, Offset: u16, Length: j - i}) // ASCII: bytes == UTF-16 units
				u16 += j - i
				i = j
				prevSpace = false
				continue
			}
		}
		u16 += utf16Len(string(r))
		prevSpace = r == ' ' || r == '\n' || r == '\t'
		i += n
	}
	return out
}

func isWordByte(c byte) bool { return isASCIIAlnum(c) || c == '_' }

// substrUTF16 returns the part of s at a UTF-16 offset and length.
func substrUTF16(s string, offset, length int) string {
	var b strings.Builder
	pos := 0
	for _, r := range s {
		w := utf16Len(string(r))
		if pos >= offset && pos+w <= offset+length {
			b.WriteRune(r)
		}
		pos += w
	}
	return b.String()
}

// Press queues a callback_query: from pressed a button with data under the
// message messageID in chat. The query gets a fresh id and the chat's
// chat_instance; its message is the stored message as it stands (an
// inaccessible message, date 0, if it was deleted). Press does not check
// that a button with data exists, so it can forge data; PressButton does.
func (s *Server) Press(from User, c Chat, messageID int, data string) (updateID int64) {
	s.lock()
	defer s.mu.Unlock()
	s.noteUser(from)
	st := s.chatFor(c)
	m := st.msgs[messageID]
	if m == nil {
		s.fail("Press: no message %d in chat %d", messageID, st.ID)
		return 0
	}
	return s.press(from, st, m, data)
}

func (s *Server) press(from User, c *chat, m *message, data string) int64 {
	s.nextQueryID++
	id := strconv.FormatUint(4382169837618726431+uint64(s.nextQueryID), 10)
	s.queries[id] = &query{id: id, data: data}
	var msg any
	if m.deleted {
		msg = map[string]any{"chat": s.chatJSON(c), "message_id": m.id, "date": 0}
	} else {
		msg = s.messageJSON(m, false)
	}
	return s.enqueue("callback_query", map[string]any{
		"id":            id,
		"from":          userJSON(from),
		"message":       msg,
		"chat_instance": strconv.FormatInt(c.ID^0x4bc0_1234_5678_9abc, 10),
		"data":          data,
	})
}

// PressButton presses the inline button labelled label under the bot's
// message messageID in chatID, as Press does, and returns the update id.
// It fails t if there is no such message or button, or the button has no
// callback_data.
func (s *Server) PressButton(t testing.TB, from User, chatID int64, messageID int, label string) int64 {
	t.Helper()
	s.lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		t.Errorf("telegramtest: PressButton: unknown chat %d", chatID)
		return 0
	}
	m := c.live(messageID)
	if m == nil || m.from != nil {
		t.Errorf("telegramtest: PressButton: no message %d of the bot in chat %d", messageID, chatID)
		return 0
	}
	var labels []string
	for _, row := range m.buttons {
		for _, b := range row {
			labels = append(labels, strconv.Quote(b.Text))
			if b.Text != label {
				continue
			}
			if b.CallbackData == "" {
				t.Errorf("telegramtest: PressButton: button %q of message %d in chat %d has no callback_data", label, messageID, chatID)
				return 0
			}
			s.noteUser(from)
			return s.press(from, c, m, b.CallbackData)
		}
	}
	t.Errorf("telegramtest: PressButton: message %d in chat %d has no button %q; it has [%s]", messageID, chatID, label, strings.Join(labels, " "))
	return 0
}

// Raw queues an update verbatim: one the helpers cannot make, or one the
// client cannot decode (an unknown ChatMember status, say). raw must be a
// JSON object with an integer update_id above the confirmed ones.
func (s *Server) Raw(raw string) {
	s.lock()
	defer s.mu.Unlock()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		s.fail("Raw: not a JSON object: %v", err)
		return
	}
	var id int64
	if err := json.Unmarshal(obj["update_id"], &id); err != nil || id <= 0 {
		s.fail("Raw: no positive integer update_id in %s", raw)
		return
	}
	if id <= s.confirmed {
		s.fail("Raw: update_id %d is not above the confirmed %d; getUpdates would never return it", id, s.confirmed)
		return
	}
	kind := ""
	for k := range obj {
		if k != "update_id" {
			kind = k
		}
	}
	s.insert(queued{id: id, kind: kind, raw: json.RawMessage(raw)})
	s.nextUpdateID = max(s.nextUpdateID, id+1)
}

// BotAdded queues a my_chat_member update: by added the bot to chat
// (status left → member), and for a group also the service message with
// new_chat_members, as Telegram sends both. In a private chat it means by
// unblocked the bot (kicked → member). It returns the my_chat_member's
// update id.
func (s *Server) BotAdded(by User, c Chat) int64 {
	return s.memberChange(by, c, true)
}

// BotRemoved queues a my_chat_member update: by removed the bot from chat
// (member → left in a group, kicked in a supergroup), with the
// left_chat_member service message; in a private chat, by blocked the bot
// (member → kicked). Afterwards sends to the chat get 403.
func (s *Server) BotRemoved(by User, c Chat) int64 {
	return s.memberChange(by, c, false)
}

func (s *Server) memberChange(by User, c Chat, added bool) int64 {
	s.lock()
	defer s.mu.Unlock()
	s.noteUser(by)
	st := s.chatFor(c)
	u := by
	st.lastUser = &u
	oldStatus, newStatus := "left", "member"
	if st.Type == "private" {
		oldStatus = "kicked"
	}
	if !added {
		oldStatus, newStatus = "member", "left"
		if st.Type != "group" {
			newStatus = "kicked"
		}
	}
	st.member = added
	switch {
	case added:
		st.status = ""
	case st.Type == "private":
		st.status = "blocked"
	default:
		st.status = newStatus
	}
	date := s.now().Unix()
	id := s.enqueue("my_chat_member", map[string]any{
		"chat":            s.chatJSON(st),
		"from":            userJSON(by),
		"date":            date,
		"old_chat_member": map[string]any{"user": s.botJSON(), "status": oldStatus},
		"new_chat_member": map[string]any{"user": s.botJSON(), "status": newStatus},
	})
	if st.Type != "private" {
		m := st.newMessage(&u, date)
		if added {
			m.service = map[string]any{"new_chat_members": []any{s.botJSON()}, "new_chat_member": s.botJSON(), "new_chat_participant": s.botJSON()}
		} else {
			m.service = map[string]any{"left_chat_member": s.botJSON(), "left_chat_participant": s.botJSON()}
		}
		if added {
			s.enqueue("message", s.messageJSON(m, false))
		}
		// A bot that was removed does not see its own removal message.
	}
	return id
}

// AddChat makes the bot a member of a group or supergroup, or for a
// private chat makes its user one who started the bot, without queueing
// any update: for tests that start with the bot already set up.
func (s *Server) AddChat(c Chat) {
	s.lock()
	defer s.mu.Unlock()
	st := s.chatFor(c)
	if st.Type == "private" {
		if _, ok := s.users[st.ID]; !ok {
			s.users[st.ID] = User{ID: st.ID, FirstName: fmt.Sprintf("User %d", st.ID)}
		}
	}
	st.member, st.status = true, ""
	s.notify()
}

// Migrate upgrades the group old to a supergroup with id newID (a
// -100… id), queueing the two service messages Telegram sends: one in the
// old group with migrate_to_chat_id, one in the new supergroup with
// migrate_from_chat_id. Afterwards every request naming the old id gets 400
// "Bad Request: group chat was upgraded to a supergroup chat" with
// parameters.migrate_to_chat_id.
func (s *Server) Migrate(old Chat, newID int64) {
	s.lock()
	defer s.mu.Unlock()
	st := s.chatFor(old)
	if st.Type != "group" {
		s.fail("Migrate: chat %d is a %s; only a group can be upgraded", st.ID, st.Type)
		return
	}
	if _, ok := s.chats[newID]; ok || newID > -1000000000000 {
		s.fail("Migrate: %d is not a new supergroup id (want an unused -100… id)", newID)
		return
	}
	from := st.lastUser
	if from == nil {
		from = &User{ID: 1087968824, FirstName: "Group", Username: "GroupAnonymousBot"}
	}
	date := s.now().Unix()
	m := st.newMessage(from, date)
	m.service = map[string]any{"migrate_to_chat_id": newID}
	s.enqueue("message", s.messageJSON(m, false))

	nc := s.chatFor(Chat{ID: newID, Type: "supergroup", Title: st.Title})
	nc.member = st.member
	nm := nc.newMessage(from, date)
	nm.service = map[string]any{"migrate_from_chat_id": st.ID}
	s.enqueue("message", s.messageJSON(nm, false))
	st.migratedTo = newID
}

// Pending returns the queued updates not yet confirmed, in update_id order:
// for webhook tests, POST them to the handler yourself or use
// DeliverWebhook.
func (s *Server) Pending() []json.RawMessage {
	s.lock()
	defer s.mu.Unlock()
	out := make([]json.RawMessage, len(s.queue))
	for i, q := range s.queue {
		out[i] = append(json.RawMessage(nil), q.raw...)
	}
	return out
}

// Confirmed returns the highest update_id confirmed, by a getUpdates
// offset above it or by DeliverWebhook; 0 if none.
func (s *Server) Confirmed() int64 {
	s.lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// DeliverWebhook does what Telegram does for a webhook set with setWebhook:
// it POSTs each pending update the webhook's allowed_updates admit, in
// order, as JSON with the X-Telegram-Bot-Api-Secret-Token header, to h
// (through httptest.NewRecorder, not the network). An update answered 2xx
// is confirmed; at the first other answer it stops, leaving that update
// pending for a later delivery, as Telegram retries. It returns how many
// updates were confirmed, and fails t if no webhook is set.
func (s *Server) DeliverWebhook(t testing.TB, h http.Handler) int {
	t.Helper()
	delivered := 0
	for {
		s.lock()
		if s.webhook == nil {
			s.mu.Unlock()
			t.Errorf("telegramtest: DeliverWebhook without a webhook set by setWebhook")
			return delivered
		}
		var next *queued
		for i := range s.queue {
			if s.allowedKind(s.queue[i].kind) {
				next = &s.queue[i]
				break
			}
		}
		if next == nil {
			s.mu.Unlock()
			return delivered
		}
		q, secret, url := *next, s.webhook.secretToken, s.webhook.url
		s.mu.Unlock()

		req := httptest.NewRequest(http.MethodPost, url, bytes.NewReader(q.raw))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code < 200 || rec.Code > 299 {
			return delivered
		}
		s.lock()
		s.confirmUpTo(q.id)
		s.mu.Unlock()
		delivered++
	}
}

// confirmUpTo drops the queued updates with ids up to id; s.mu must be held.
func (s *Server) confirmUpTo(id int64) {
	i := 0
	for i < len(s.queue) && s.queue[i].id <= id {
		s.confirmed = max(s.confirmed, s.queue[i].id)
		i++
	}
	if i > 0 {
		s.queue = append([]queued(nil), s.queue[i:]...)
		s.notify()
	}
}

// defaultExcluded are the update kinds not delivered unless asked for in
// allowed_updates.
var defaultExcluded = map[string]bool{"chat_member": true, "message_reaction": true, "message_reaction_count": true}

func (s *Server) allowedKind(kind string) bool {
	if len(s.allowed) == 0 {
		return !defaultExcluded[kind]
	}
	for _, a := range s.allowed {
		if a == kind {
			return true
		}
	}
	return false
}

// Batch makes a coming getUpdates answer exactly the updates with these
// ids, in this order and with repeats, whatever its offset. Telegram sends
// each batch in ascending update_id order and never an update below the
// offset, but a bot must not depend on it to count each update once: a
// redelivery after a crash, a proxy or a retry can break the promise. Each
// id must name an update queued before (pending or confirmed); an unknown
// one fails the test. Scripted batches are answered one per getUpdates, in
// the order Batch was called, before the queue is looked at; the
// getUpdates still confirms the updates below its offset, as always.
func (s *Server) Batch(ids ...int64) {
	s.lock()
	defer s.mu.Unlock()
	batch := make([]json.RawMessage, 0, len(ids))
	for _, id := range ids {
		raw, ok := s.everQueued[id]
		if !ok {
			s.fail("Batch: no update %d was ever queued", id)
			return
		}
		batch = append(batch, append(json.RawMessage(nil), raw...))
	}
	s.batches = append(s.batches, batch)
	s.notify()
}
