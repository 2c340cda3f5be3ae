package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// handlers are the methods the fake implements, by lower-case name. A
// valid method missing here fails the test.
var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"getme":                  (*Server).getMe,
		"getupdates":             (*Server).getUpdates,
		"setwebhook":             (*Server).setWebhook,
		"deletewebhook":          (*Server).deleteWebhook,
		"getwebhookinfo":         (*Server).getWebhookInfo,
		"setmycommands":          (*Server).setMyCommands,
		"getmycommands":          (*Server).getMyCommands,
		"deletemycommands":       (*Server).deleteMyCommands,
		"sendmessage":            (*Server).sendMessage,
		"senddocument":           (*Server).sendDocument,
		"editmessagetext":        (*Server).editMessageText,
		"editmessagereplymarkup": (*Server).editMessageReplyMarkup,
		"answercallbackquery":    (*Server).answerCallbackQuery,
		"deletemessage":          (*Server).deleteMessage,
		"getchat":                (*Server).getChat,
		"sendchataction":         (*Server).sendChatAction,
		"createforumtopic":       (*Server).createForumTopic,
	}
}

func (s *Server) getMe(*request) (any, *apiError) {
	me := s.botJSON()
	me["can_join_groups"] = true
	me["can_read_all_group_messages"] = s.CanReadAllGroupMessages
	me["supports_inline_queries"] = false
	me["can_connect_to_business"] = false
	me["has_main_web_app"] = false
	return me, nil
}

// getUpdates confirms the updates below offset, then answers the queued
// ones from offset on, waiting up to timeout seconds for one to arrive.
func (s *Server) getUpdates(r *request) (any, *apiError) {
	if s.webhook != nil {
		return nil, &apiError{code: http.StatusConflict, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	offset := r.int("offset")
	limit := int(r.int("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	if r.has("allowed_updates") {
		var allowed []string
		if err := r.decode("allowed_updates", &allowed); err != nil {
			s.fail("getUpdates: allowed_updates: %v", err)
			return nil, badRequest("can't parse allowed updates")
		}
		s.allowed = allowed
	}
	switch {
	case offset > 0:
		s.confirmUpTo(offset - 1)
	case offset < 0:
		// The last -offset updates; all earlier ones are forgotten.
		if keep := int(-offset); len(s.queue) > keep {
			s.confirmUpTo(s.queue[len(s.queue)-keep-1].id)
		}
	}

	s.pollGen++
	gen := s.pollGen
	s.notify() // a getUpdates already waiting is terminated by this one
	if len(s.batches) > 0 {
		// A batch the test scripted (Batch) goes out as it is.
		out := s.batches[0]
		s.batches = s.batches[1:]
		return out, nil
	}
	var timer <-chan time.Time
	if timeout := r.int("timeout"); timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		timer = t.C
	}
	for {
		var out []json.RawMessage
		for _, q := range s.queue {
			if q.id >= offset && s.allowedKind(q.kind) && len(out) < limit {
				out = append(out, q.raw)
			}
		}
		if len(out) > 0 || timer == nil {
			if out == nil {
				out = []json.RawMessage{}
			}
			return out, nil
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-timer:
			timer = nil
		case <-r.ctx.Done():
			timer = nil
		case <-s.closing:
			timer = nil
		}
		s.mu.Lock()
		if s.pollGen != gen {
			return nil, &apiError{code: http.StatusConflict, desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		}
		if s.webhook != nil {
			return nil, &apiError{code: http.StatusConflict, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
	}
}

var secretTokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (s *Server) setWebhook(r *request) (any, *apiError) {
	u := r.str("url")
	if r.bool("drop_pending_updates") && len(s.queue) > 0 {
		s.confirmUpTo(s.queue[len(s.queue)-1].id)
	}
	if r.has("allowed_updates") {
		var allowed []string
		if err := r.decode("allowed_updates", &allowed); err != nil {
			return nil, badRequest("can't parse allowed updates")
		}
		s.allowed = allowed
	}
	if u == "" {
		s.webhook = nil
		return true, nil
	}
	if pu, err := url.Parse(u); err != nil || pu.Scheme != "https" || pu.Host == "" {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	tok := r.str("secret_token")
	if r.has("secret_token") && !secretTokenRE.MatchString(tok) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	maxConn := int(r.int("max_connections"))
	if maxConn == 0 {
		maxConn = 40
	}
	s.webhook = &webhook{url: u, secretToken: tok, maxConnections: maxConn}
	return true, nil
}

func (s *Server) deleteWebhook(r *request) (any, *apiError) {
	if r.bool("drop_pending_updates") && len(s.queue) > 0 {
		s.confirmUpTo(s.queue[len(s.queue)-1].id)
	}
	s.webhook = nil
	return true, nil
}

func (s *Server) getWebhookInfo(*request) (any, *apiError) {
	info := map[string]any{"url": "", "has_custom_certificate": false, "pending_update_count": len(s.queue)}
	if s.webhook != nil {
		info["url"] = s.webhook.url
		info["max_connections"] = s.webhook.maxConnections
	}
	if len(s.allowed) > 0 {
		info["allowed_updates"] = s.allowed
	}
	return info, nil
}

// Command is one of the bot's commands, as set with setMyCommands.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// Scope is a BotCommandScope. The zero value is the default scope.
type Scope struct {
	Type   string // default, all_private_chats, all_group_chats, all_chat_administrators, chat, chat_administrators, chat_member
	ChatID string // for chat, chat_administrators and chat_member: the chat_id as sent
	UserID int64  // for chat_member
}

// Commands returns the commands set for a scope and language code ("" for
// all languages), or nil.
func (s *Server) Commands(scope Scope, languageCode string) []Command {
	s.lock()
	defer s.mu.Unlock()
	if scope.Type == "" {
		scope.Type = "default"
	}
	return append([]Command(nil), s.commands[scope][languageCode]...)
}

var (
	commandRE  = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	languageRE = regexp.MustCompile(`^[a-z]{2}$`)
)

// commandScope reads the scope and language_code parameters.
func (s *Server) commandScope(r *request) (Scope, string, *apiError) {
	sc := Scope{Type: "default"}
	if r.has("scope") {
		var raw struct {
			Type   string          `json:"type"`
			ChatID json.RawMessage `json:"chat_id"`
			UserID int64           `json:"user_id"`
		}
		if err := r.decode("scope", &raw); err != nil {
			return sc, "", badRequest("can't parse BotCommandScope JSON object")
		}
		sc.Type, sc.UserID = raw.Type, raw.UserID
		sc.ChatID = strings.Trim(string(raw.ChatID), `"`)
		switch sc.Type {
		case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
			if sc.ChatID != "" || sc.UserID != 0 {
				return sc, "", badRequest("can't parse BotCommandScope JSON object")
			}
		case "chat", "chat_administrators":
			if sc.ChatID == "" || sc.UserID != 0 {
				return sc, "", badRequest("can't parse BotCommandScope JSON object")
			}
		case "chat_member":
			if sc.ChatID == "" || sc.UserID == 0 {
				return sc, "", badRequest("can't parse BotCommandScope JSON object")
			}
		default:
			return sc, "", badRequest("unsupported bot command scope type %q", sc.Type)
		}
	}
	lang := r.str("language_code")
	if lang != "" && !languageRE.MatchString(lang) {
		return sc, "", badRequest("invalid language code specified")
	}
	return sc, lang, nil
}

func (s *Server) setMyCommands(r *request) (any, *apiError) {
	var cmds []map[string]json.RawMessage
	if err := r.decode("commands", &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	var list []Command
	for _, raw := range cmds {
		for k := range raw {
			if k != "command" && k != "description" {
				s.fail("setMyCommands: unknown BotCommand field %q", k)
				return nil, badRequest("can't parse BotCommand: unknown field %q", k)
			}
		}
		var c Command
		if json.Unmarshal(raw["command"], &c.Command) != nil || json.Unmarshal(raw["description"], &c.Description) != nil {
			return nil, badRequest("can't parse BotCommand JSON object")
		}
		if !commandRE.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(c.Description)); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
		list = append(list, c)
	}
	sc, lang, aerr := s.commandScope(r)
	if aerr != nil {
		return nil, aerr
	}
	if s.commands[sc] == nil {
		s.commands[sc] = map[string][]Command{}
	}
	if len(list) == 0 {
		delete(s.commands[sc], lang)
	} else {
		s.commands[sc][lang] = list
	}
	return true, nil
}

func (s *Server) getMyCommands(r *request) (any, *apiError) {
	sc, lang, aerr := s.commandScope(r)
	if aerr != nil {
		return nil, aerr
	}
	list := s.commands[sc][lang]
	if list == nil {
		list = []Command{}
	}
	return list, nil
}

func (s *Server) deleteMyCommands(r *request) (any, *apiError) {
	sc, lang, aerr := s.commandScope(r)
	if aerr != nil {
		return nil, aerr
	}
	delete(s.commands[sc], lang)
	return true, nil
}

// formatted is a text after entity parsing.
type formatted struct {
	raw, parseMode, plain string
	entities              []Entity
}

// formatText parses a text or caption with its parse_mode or entities
// parameter, as the server does, and checks its length.
func (s *Server) formatText(r *request, textParam, modeParam, entitiesParam string, maxLen int) (formatted, *apiError) {
	f := formatted{raw: r.str(textParam), parseMode: r.str(modeParam)}
	caption := textParam == "caption"
	switch {
	case r.has(entitiesParam):
		if err := r.decode(entitiesParam, &f.entities); err != nil {
			return f, badRequest("can't parse entities JSON object")
		}
		f.plain = f.raw
	case f.parseMode == "":
		f.plain = f.raw
	case strings.EqualFold(f.parseMode, "HTML"):
		plain, entities, err := parseHTML(f.raw)
		if err != nil {
			return f, badRequest("can't parse entities: %v", err)
		}
		f.plain, f.entities = plain, entities
	case strings.EqualFold(f.parseMode, "MarkdownV2"), strings.EqualFold(f.parseMode, "Markdown"):
		s.fail("%s: parse_mode %s is not emulated (only HTML is), so its escaping cannot be checked", r.method.Name, f.parseMode)
		return f, badRequest("telegramtest does not emulate parse_mode %s", f.parseMode)
	default:
		return f, badRequest("unsupported parse_mode")
	}
	f.plain, f.entities = trimText(f.plain, f.entities)
	n := utf8.RuneCountInString(f.plain)
	switch {
	case !caption && n == 0:
		return f, badRequest("message text is empty")
	case !caption && n > maxLen:
		return f, badRequest("message is too long")
	case caption && n > maxLen:
		return f, badRequest("message caption is too long")
	}
	return f, nil
}

// inlineButtonFields are the fields of an InlineKeyboardButton; all but
// text, icon_custom_emoji_id and style are actions, of which a button must
// have one.
var inlineButtonFields = map[string]bool{
	"text": false, "icon_custom_emoji_id": false, "style": false,
	"url": true, "callback_data": true, "web_app": true, "login_url": true,
	"switch_inline_query": true, "switch_inline_query_current_chat": true,
	"switch_inline_query_chosen_chat": true, "copy_text": true, "callback_game": true, "pay": true,
}

// markup is a parsed reply_markup.
type markup struct {
	buttons [][]button
	other   string // a reply keyboard, remove_keyboard or force_reply, as sent
}

// parseMarkup reads reply_markup; inlineOnly is for edits, which take only
// inline keyboards.
func (s *Server) parseMarkup(r *request, inlineOnly bool) (markup, *apiError) {
	var mk markup
	if !r.has("reply_markup") {
		return mk, nil
	}
	var obj map[string]json.RawMessage
	if err := r.decode("reply_markup", &obj); err != nil {
		return mk, badRequest("can't parse reply keyboard markup JSON object")
	}
	rawKeyboard, ok := obj["inline_keyboard"]
	if !ok {
		if inlineOnly {
			return mk, badRequest("inline keyboard expected")
		}
		_, keyboard := obj["keyboard"]
		_, remove := obj["remove_keyboard"]
		_, force := obj["force_reply"]
		if !keyboard && !remove && !force {
			s.fail("%s: reply_markup %s is none of InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, ForceReply", r.method.Name, r.params["reply_markup"].jsonText())
			return mk, badRequest("can't parse reply keyboard markup JSON object")
		}
		mk.other = string(r.params["reply_markup"].jsonText())
		return mk, nil
	}
	var rows [][]map[string]json.RawMessage
	if err := json.Unmarshal(rawKeyboard, &rows); err != nil {
		return mk, badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
	}
	for _, row := range rows {
		var out []button
		for _, raw := range row {
			b := button{raw: map[string]json.RawMessage{}}
			actions := 0
			for k, v := range raw {
				action, known := inlineButtonFields[k]
				if !known {
					s.fail("%s: unknown InlineKeyboardButton field %q", r.method.Name, k)
					return mk, badRequest("can't parse inline keyboard button: unknown field %q", k)
				}
				if k == "copy_text" {
					// go-telegram/bot sends {"text":""} on every button.
					var ct struct{ Text string }
					if json.Unmarshal(v, &ct) == nil && ct.Text == "" {
						continue
					}
				}
				if action {
					actions++
				}
				b.raw[k] = v
			}
			json.Unmarshal(raw["text"], &b.Text)
			json.Unmarshal(raw["callback_data"], &b.CallbackData)
			json.Unmarshal(raw["url"], &b.URL)
			if strings.TrimSpace(b.Text) == "" {
				return mk, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			if actions == 0 {
				return mk, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			if _, ok := raw["callback_data"]; ok && (len(b.CallbackData) < 1 || len(b.CallbackData) > 64) {
				return mk, badRequest("BUTTON_DATA_INVALID")
			}
			if _, ok := raw["url"]; ok {
				pu, err := url.Parse(b.URL)
				if err != nil || !(pu.Scheme == "http" || pu.Scheme == "https" || pu.Scheme == "tg") || (pu.Scheme != "tg" && pu.Host == "") {
					return mk, badRequest("BUTTON_URL_INVALID")
				}
			}
			out = append(out, b)
		}
		if len(out) > 0 {
			mk.buttons = append(mk.buttons, out)
		}
	}
	return mk, nil
}

// replyTarget reads reply_parameters (or the older reply_to_message_id)
// and returns the message id replied to in c, or 0.
func (s *Server) replyTarget(r *request, c *chat) (*message, *apiError) {
	var rp struct {
		MessageID                int             `json:"message_id"`
		ChatID                   json.RawMessage `json:"chat_id"`
		AllowSendingWithoutReply bool            `json:"allow_sending_without_reply"`
	}
	switch {
	case r.has("reply_parameters"):
		if err := r.decode("reply_parameters", &rp); err != nil || rp.MessageID == 0 {
			return nil, badRequest("can't parse reply parameters JSON object")
		}
		if id := strings.Trim(string(rp.ChatID), `"`); id != "" && id != fmt.Sprint(c.ID) {
			s.fail("%s: replies in another chat (reply_parameters.chat_id %s) are not emulated", r.method.Name, id)
			return nil, badRequest("telegramtest does not emulate replies in another chat")
		}
	case r.has("reply_to_message_id"):
		rp.MessageID = int(r.int("reply_to_message_id"))
		rp.AllowSendingWithoutReply = r.bool("allow_sending_without_reply")
	default:
		return nil, nil
	}
	m := c.live(rp.MessageID)
	if m == nil && !rp.AllowSendingWithoutReply {
		return nil, badRequest("message to be replied not found")
	}
	return m, nil
}

// thread reads message_thread_id: a topic of a forum.
func (s *Server) thread(r *request, c *chat) (int, *apiError) {
	if !r.has("message_thread_id") {
		return 0, nil
	}
	id := int(r.int("message_thread_id"))
	if !c.IsForum || c.topics[id] == nil {
		return 0, badRequest("message thread not found")
	}
	return id, nil
}

// newBotMessage stores a message the bot sent.
func (s *Server) newBotMessage(c *chat, thread int, reply *message, f formatted, mk markup) *message {
	m := c.newMessage(nil, s.now().Unix())
	m.thread = thread
	if reply != nil {
		m.replyTo = reply.id
		if m.thread == 0 {
			m.thread = reply.thread
		}
	}
	m.raw, m.parseMode, m.text, m.entities = f.raw, f.parseMode, f.plain, f.entities
	m.buttons, m.replyMarkup = mk.buttons, mk.other
	return m
}

func (s *Server) sendMessage(r *request) (any, *apiError) {
	c, aerr := s.resolveChat(r, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	thread, aerr := s.thread(r, c)
	if aerr != nil {
		return nil, aerr
	}
	f, aerr := s.formatText(r, "text", "parse_mode", "entities", 4096)
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := s.parseMarkup(r, false)
	if aerr != nil {
		return nil, aerr
	}
	reply, aerr := s.replyTarget(r, c)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.allowSend(c); aerr != nil {
		return nil, aerr
	}
	return s.messageJSON(s.newBotMessage(c, thread, reply, f, mk), false), nil
}

func (s *Server) sendDocument(r *request) (any, *apiError) {
	c, aerr := s.resolveChat(r, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	thread, aerr := s.thread(r, c)
	if aerr != nil {
		return nil, aerr
	}
	doc := r.params["document"]
	var up *upload
	fileID := ""
	switch {
	case doc.file != nil:
		up = doc.file
	case strings.HasPrefix(doc.text, "attach://"):
		up = r.attachments[strings.TrimPrefix(doc.text, "attach://")]
		if up == nil {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
	case strings.HasPrefix(doc.text, "http://") || strings.HasPrefix(doc.text, "https://"):
		up = &upload{name: path.Base(doc.text)}
	default:
		fileID = doc.text
	}
	if up != nil && up.size == 0 && doc.file != nil {
		return nil, badRequest("file must be non-empty")
	}
	f, aerr := s.formatText(r, "caption", "parse_mode", "caption_entities", 1024)
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := s.parseMarkup(r, false)
	if aerr != nil {
		return nil, aerr
	}
	reply, aerr := s.replyTarget(r, c)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.allowSend(c); aerr != nil {
		return nil, aerr
	}
	m := s.newBotMessage(c, thread, reply, f, mk)
	m.document = up
	if fileID == "" {
		s.nextFileID++
		fileID = fmt.Sprintf("BQACAgQAAxkDAAI%d", s.nextFileID)
	}
	m.fileID = fileID
	return s.messageJSON(m, false), nil
}

// editTarget finds the bot's message an edit names.
func (s *Server) editTarget(r *request) (*message, *apiError) {
	if r.has("inline_message_id") {
		s.fail("%s: inline messages are not emulated", r.method.Name)
		return nil, badRequest("telegramtest does not emulate inline messages")
	}
	if !r.has("chat_id") || !r.has("message_id") {
		return nil, badRequest("message identifier is not specified")
	}
	c, aerr := s.resolveChat(r, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	m := c.live(int(r.int("message_id")))
	if m == nil {
		return nil, badRequest("message to edit not found")
	}
	if m.from != nil || m.service != nil {
		return nil, badRequest("message can't be edited")
	}
	return m, nil
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) editMessageText(r *request) (any, *apiError) {
	m, aerr := s.editTarget(r)
	if aerr != nil {
		return nil, aerr
	}
	if m.document != nil || m.fileID != "" {
		return nil, badRequest("there is no text in the message to edit")
	}
	f, aerr := s.formatText(r, "text", "parse_mode", "entities", 4096)
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := s.parseMarkup(r, true)
	if aerr != nil {
		return nil, aerr
	}
	if f.plain == m.text && entitiesEqual(f.entities, m.entities) && buttonsEqual(mk.buttons, m.buttons) {
		return nil, badRequest(notModified)
	}
	if aerr := s.allowSend(m.chat); aerr != nil {
		return nil, aerr
	}
	m.raw, m.parseMode, m.text, m.entities = f.raw, f.parseMode, f.plain, f.entities
	m.buttons = mk.buttons
	m.edits++
	m.editDate = s.now().Unix()
	return s.messageJSON(m, false), nil
}

func (s *Server) editMessageReplyMarkup(r *request) (any, *apiError) {
	m, aerr := s.editTarget(r)
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := s.parseMarkup(r, true)
	if aerr != nil {
		return nil, aerr
	}
	if buttonsEqual(mk.buttons, m.buttons) {
		return nil, badRequest(notModified)
	}
	if aerr := s.allowSend(m.chat); aerr != nil {
		return nil, aerr
	}
	m.buttons = mk.buttons
	m.edits++
	m.editDate = s.now().Unix()
	return s.messageJSON(m, false), nil
}

func entitiesEqual(a, b []Entity) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func buttonsEqual(a, b [][]button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			x, _ := json.Marshal(a[i][j].raw)
			y, _ := json.Marshal(b[i][j].raw)
			if string(x) != string(y) {
				return false
			}
		}
	}
	return true
}

func (s *Server) answerCallbackQuery(r *request) (any, *apiError) {
	q := s.queries[r.str("callback_query_id")]
	if q == nil || q.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	text := r.str("text")
	if utf8.RuneCountInString(text) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	q.answered = true
	s.answers = append(s.answers, CallbackAnswer{
		QueryID:   q.id,
		Data:      q.data,
		Text:      text,
		ShowAlert: r.bool("show_alert"),
		URL:       r.str("url"),
		CacheTime: int(r.int("cache_time")),
	})
	return true, nil
}

func (s *Server) deleteMessage(r *request) (any, *apiError) {
	c, aerr := s.resolveChat(r, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	m := c.live(int(r.int("message_id")))
	if m == nil {
		return nil, badRequest("message to delete not found")
	}
	if s.now().Unix()-m.date > 48*60*60 {
		return nil, badRequest("message can't be deleted")
	}
	m.deleted = true
	return true, nil
}

func (s *Server) getChat(r *request) (any, *apiError) {
	c, aerr := s.resolveChat(r, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	info := s.chatJSON(c)
	info["accent_color_id"] = 0
	info["max_reaction_count"] = 11
	info["accepted_gift_types"] = map[string]any{"unlimited_gifts": false, "limited_gifts": false, "unique_gifts": false, "premium_subscription": false}
	return info, nil
}

var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true, "choose_sticker": true,
	"find_location": true, "record_video_note": true, "upload_video_note": true,
}

func (s *Server) sendChatAction(r *request) (any, *apiError) {
	c, aerr := s.resolveChat(r, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	if _, aerr := s.thread(r, c); aerr != nil {
		return nil, aerr
	}
	if !chatActions[r.str("action")] {
		return nil, badRequest("wrong parameter action in request")
	}
	return true, nil
}

func (s *Server) createForumTopic(r *request) (any, *apiError) {
	c, aerr := s.resolveChat(r, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	if c.Type != "supergroup" || !c.IsForum {
		return nil, badRequest("the chat is not a forum")
	}
	name := r.str("name")
	if n := utf8.RuneCountInString(name); n < 1 || n > 128 {
		return nil, badRequest("TOPIC_NAME_INVALID")
	}
	color := r.int("icon_color")
	if color == 0 {
		color = 7322096
	}
	m := c.newMessage(nil, s.now().Unix())
	m.thread = m.id
	m.service = map[string]any{"forum_topic_created": map[string]any{"name": name, "icon_color": color}}
	c.topics[m.id] = &topic{name: name, date: m.date}
	return map[string]any{"message_thread_id": m.id, "name": name, "icon_color": color}, nil
}
