package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

var (
	alice = User{ID: 111111111, FirstName: "Alice", Username: "alice", LanguageCode: "en"}
	bob   = User{ID: 222222222, FirstName: "Bob", Username: "bob"}
	// A supergroup, a basic group and a forum.
	circle = Chat{ID: -1001234567890, Type: "supergroup", Title: "Deliberation Circle"}
	oldGrp = Chat{ID: -4001234567, Type: "group", Title: "Old Group"}
	forum  = Chat{ID: -1009876543210, Type: "supergroup", Title: "Forum", IsForum: true}
)

// recorder is a testing.TB that records Errorf instead of failing, to
// check that the fake reports invalid requests.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) Helper() {}

func (r *recorder) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

// clock is a settable clock for Server.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newBot starts s and returns a go-telegram/bot client for it.
func newBot(t *testing.T, s *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	s.mu.Lock()
	started := s.srv != nil
	s.mu.Unlock()
	if !started {
		s.Start(t)
	}
	opts = append([]bot.Option{
		bot.WithServerURL(s.URL()),
		bot.WithHTTPClient(2*time.Second, s.Client()),
		bot.WithSkipGetMe(),
		bot.WithErrorsHandler(func(err error) { t.Logf("bot: %v", err) }),
	}, opts...)
	b, err := bot.New(s.token(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type apiResp struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// post sends a raw request, as the adapter's own poller does.
func post(t *testing.T, s *Server, method, contentType string, body io.Reader) (int, apiResp) {
	t.Helper()
	return postURL(t, s.URL()+"/bot"+s.token()+"/"+method, contentType, body)
}

func postURL(t *testing.T, u, contentType string, body io.Reader) (int, apiResp) {
	t.Helper()
	resp, err := http.Post(u, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r apiResp
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("POST %s: decoding the answer: %v", u, err)
	}
	if r.OK != (resp.StatusCode == http.StatusOK) || (!r.OK && r.ErrorCode != resp.StatusCode) {
		t.Errorf("POST %s: HTTP %d with %+v", u, resp.StatusCode, r)
	}
	return resp.StatusCode, r
}

func postJSON(t *testing.T, s *Server, method string, params any) (int, apiResp) {
	t.Helper()
	body, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	return post(t, s, method, "application/json", bytes.NewReader(body))
}

// getUpdates polls with a JSON body and decodes the updates both raw and
// with the library's models.
func getUpdates(t *testing.T, s *Server, params map[string]any) ([]json.RawMessage, []*models.Update) {
	t.Helper()
	status, r := postJSON(t, s, "getUpdates", params)
	if status != http.StatusOK {
		t.Fatalf("getUpdates: %d %s", status, r.Description)
	}
	var raw []json.RawMessage
	var upds []*models.Update
	if err := json.Unmarshal(r.Result, &raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(r.Result, &upds); err != nil {
		t.Fatalf("models.Update cannot decode %s: %v", r.Result, err)
	}
	return raw, upds
}

func TestGetMe(t *testing.T) {
	var s Server
	s.Start(t)
	// Without WithSkipGetMe, bot.New calls getMe with an empty multipart body.
	b, err := bot.New(s.token(), bot.WithServerURL(s.URL()), bot.WithHTTPClient(2*time.Second, s.Client()))
	if err != nil {
		t.Fatal(err)
	}
	me, err := b.GetMe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != DefaultBotID || !me.IsBot || me.Username != DefaultBotUsername || me.FirstName != "Samen" ||
		!me.CanJoinGroups || me.CanReadAllGroupMessages {
		t.Errorf("getMe = %+v", me)
	}
	if calls := s.Calls(); len(calls) != 2 || calls[0].Method != "getMe" || calls[0].Status != 200 {
		t.Errorf("calls = %+v", calls)
	}
}

func TestWrongToken(t *testing.T) {
	rec := &recorder{TB: t}
	var s Server
	s.Start(rec)
	status, r := postURL(t, s.URL()+"/bot123:WRONG/getMe", "application/json", strings.NewReader("{}"))
	if status != 401 || r.Description != "Unauthorized" || r.ErrorCode != 401 {
		t.Errorf("wrong token: %d %+v", status, r)
	}
	_, err := bot.New("123:WRONG", bot.WithServerURL(s.URL()), bot.WithHTTPClient(2*time.Second, s.Client()))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Errorf("bot.New with a wrong token: %v", err)
	}
	if errs := rec.errors(); len(errs) != 0 {
		t.Errorf("a wrong token is not a bug in the request; the fake reported %q", errs)
	}
}

func TestInvalidRequestsFailTheTest(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		params      map[string]any
		status      int
		wantFailure string
	}{
		{"unknown parameter", "sendMessage", map[string]any{"chat_id": 1, "text": "x", "chat_idd": 2}, 400, `unknown parameter "chat_idd"`},
		{"unknown method", "sendMessages", map[string]any{"chat_id": 1}, 404, `unknown method "sendMessages"`},
		{"missing required", "sendMessage", map[string]any{"chat_id": 1}, 400, `missing required parameter "text"`},
		{"wrong Integer", "deleteMessage", map[string]any{"chat_id": 1, "message_id": "seven"}, 400, `parameter "message_id" must be Integer`},
		{"wrong Boolean", "getUpdates", map[string]any{"offset": 1, "allowed_updates": []string{}, "timeout": true}, 400, `parameter "timeout" must be Integer`},
		{"object for String", "sendMessage", map[string]any{"chat_id": 1, "text": map[string]any{"a": 1}}, 400, `parameter "text" must be String`},
		{"not JSON for an object", "sendMessage", map[string]any{"chat_id": 1, "text": "x", "reply_markup": "[[1]]"}, 400, `parameter "reply_markup" must be InlineKeyboardMarkup`},
		{"not an array", "setMyCommands", map[string]any{"commands": map[string]any{}}, 400, `parameter "commands" must be Array of BotCommand`},
		{"parameter for getMe", "getMe", map[string]any{"x": 1}, 400, `getMe takes no parameters`},
		{"unimplemented", "sendPoll", map[string]any{"chat_id": 1, "question": "q", "options": []any{}}, 400, "sendPoll is a valid Bot API method, but the fake does not implement it"},
		{"markdown", "sendMessage", map[string]any{"chat_id": circle.ID, "text": "*x*", "parse_mode": "MarkdownV2"}, 400, "not emulated"},
		{"unknown button field", "sendMessage", map[string]any{"chat_id": circle.ID, "text": "x",
			"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "a", "callback": "x"}}}}}, 400, `unknown InlineKeyboardButton field "callback"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			s := &Server{}
			s.Start(rec)
			s.AddChat(circle)
			status, r := postJSON(t, s, tt.method, tt.params)
			if status != tt.status || r.OK {
				t.Errorf("status %d %+v, want %d", status, r, tt.status)
			}
			errs := rec.errors()
			if len(errs) != 1 || !strings.Contains(errs[0], tt.wantFailure) {
				t.Errorf("the fake reported %q, want one failure containing %q", errs, tt.wantFailure)
			}
			if calls := s.Calls(); len(calls) != 1 || calls[0].Status != tt.status {
				t.Errorf("calls = %+v", calls)
			}
		})
	}
}

func TestLibraryRequestsAreValid(t *testing.T) {
	// A request the library builds passes validation, including the
	// copy_text {"text":""} on every button and the empty multipart body of
	// methods without parameters. (A failure here fails this test.)
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	s.Message(alice, Private(alice), "/start")
	if _, err := b.GetMe(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetWebhookInfo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: alice.ID, Action: models.ChatActionTyping}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetChat(ctx, &bot.GetChatParams{ChatID: alice.ID}); err != nil {
		t.Fatal(err)
	}
}

func TestSendMessageHTML(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	s.AddChat(circle)

	user := `<script>alert("x")</script> & R&D`
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID:    circle.ID,
		Text:      "<b>Proposal P1</b>: " + html.EscapeString(user),
		ParseMode: models.ParseModeHTML,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "Proposal P1: " + user
	if msg.Text != want || len(msg.Entities) != 1 || msg.Entities[0].Type != models.MessageEntityTypeBold || msg.Entities[0].Length != 11 {
		t.Errorf("result = %q %+v, want %q with one bold entity", msg.Text, msg.Entities, want)
	}
	if msg.From == nil || msg.From.ID != DefaultBotID || msg.Chat.ID != circle.ID || msg.ID != 1 {
		t.Errorf("result = %+v", msg)
	}

	for _, bad := range []string{"<b>Proposal P1</b>: " + user, "a <br> b", "<b>unclosed", "Tom & Jerry", "<i>x</b>"} {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: bad, ParseMode: models.ParseModeHTML})
		if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "Bad Request: can't parse entities: ") {
			t.Errorf("SendMessage(%q) = %v, want can't parse entities", bad, err)
		}
	}
	// Plain text takes anything.
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "a < b & c"}); err != nil {
		t.Fatal(err)
	}
	// Length counts characters after parsing.
	long := strings.Repeat("é", 4096)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "<b>" + long + "</b>", ParseMode: models.ParseModeHTML}); err != nil {
		t.Errorf("4096 characters: %v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: long + "x"}); err == nil || !strings.Contains(err.Error(), "message is too long") {
		t.Errorf("4097 characters: %v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: " <b> </b> ", ParseMode: models.ParseModeHTML}); err == nil || !strings.Contains(err.Error(), "message text is empty") {
		t.Errorf("empty text: %v", err)
	}

	sent := s.Chat(circle.ID)
	if len(sent) != 3 {
		t.Fatalf("Chat = %+v, want 3 messages", sent)
	}
	if sent[0].Plain != want || sent[0].ParseMode != "HTML" || !strings.Contains(sent[0].Text, "&lt;script&gt;") {
		t.Errorf("Chat[0] = %+v", sent[0])
	}
	if failed := s.FailedCalls(); len(failed) != 7 {
		t.Errorf("FailedCalls = %+v, want 7", failed)
	}
}

func keyboard(rows ...[]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

func TestKeyboard(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	s.AddChat(circle)

	data64 := strings.Repeat("é", 32) // 64 bytes, 32 characters
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "Vote", ReplyMarkup: keyboard(
		[]models.InlineKeyboardButton{{Text: "Consent", CallbackData: "v1:p1:consent"}, {Text: "Long", CallbackData: data64}},
		[]models.InlineKeyboardButton{{Text: "Read", URL: "https://example.org/p1"}},
	)})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ReplyMarkup == nil || len(msg.ReplyMarkup.InlineKeyboard) != 2 || msg.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "v1:p1:consent" {
		t.Errorf("result reply_markup = %+v", msg.ReplyMarkup)
	}
	want := [][]Button{{{Text: "Consent", CallbackData: "v1:p1:consent"}, {Text: "Long", CallbackData: data64}}, {{Text: "Read", URL: "https://example.org/p1"}}}
	if got := s.Chat(circle.ID)[0].Buttons; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Buttons = %v, want %v", got, want)
	}

	for _, bad := range []models.InlineKeyboardButton{
		{Text: "Too long", CallbackData: data64 + "x"},
		{Text: "Bad URL", URL: "javascript:alert(1)"},
		{Text: "No action"},
		{Text: "", CallbackData: "x"},
	} {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "x", ReplyMarkup: keyboard([]models.InlineKeyboardButton{bad})})
		if !errors.Is(err, bot.ErrorBadRequest) {
			t.Errorf("button %+v: %v, want a 400", bad, err)
		}
	}
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "x", ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "x", CallbackData: data64 + "x"}})})
	if err == nil || !strings.HasSuffix(err.Error(), "Bad Request: BUTTON_DATA_INVALID") {
		t.Errorf("65-byte callback_data: %v", err)
	}
	if n := len(s.Chat(circle.ID)); n != 1 {
		t.Errorf("%d messages delivered, want 1", n)
	}
	// Force reply is accepted and kept.
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "Your concern?", ReplyMarkup: &models.ForceReply{ForceReply: true}}); err != nil {
		t.Fatal(err)
	}
	if got := s.Chat(circle.ID)[1].ReplyMarkup; !strings.Contains(got, `"force_reply":true`) {
		t.Errorf("ReplyMarkup = %q", got)
	}
}

func TestPrivateChatNeedsStart(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	send := func() error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "hello"})
		return err
	}
	err := send()
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "Forbidden: bot can't initiate conversation with a user") {
		t.Fatalf("before /start: %v", err)
	}
	// Being seen in a group is not enough.
	s.Message(alice, circle, "/status")
	if err := send(); !errors.Is(err, bot.ErrorForbidden) {
		t.Fatalf("after a group message: %v", err)
	}
	s.Message(alice, Private(alice), "/start reflect_p1")
	if err := send(); err != nil {
		t.Fatalf("after /start: %v", err)
	}
	s.BotRemoved(alice, Private(alice))
	if err := send(); err == nil || !strings.Contains(err.Error(), "Forbidden: bot was blocked by the user") {
		t.Fatalf("after blocking: %v", err)
	}
	s.BotAdded(alice, Private(alice))
	if err := send(); err != nil {
		t.Fatalf("after unblocking: %v", err)
	}
	// An unknown group.
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: int64(-42), Text: "x"}); err == nil || !strings.Contains(err.Error(), "chat not found") {
		t.Errorf("unknown group: %v", err)
	}
	// A group the bot was removed from.
	s.BotAdded(alice, circle)
	s.BotRemoved(alice, circle)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "x"}); err == nil || !strings.Contains(err.Error(), "Forbidden: bot was kicked from the supergroup chat") {
		t.Errorf("after removal: %v", err)
	}
}

func TestEdits(t *testing.T) {
	s := &Server{Limits: Limits{Off: true}}
	b := newBot(t, s)
	ctx := context.Background()
	s.AddChat(circle)
	kb := keyboard([]models.InlineKeyboardButton{{Text: "Consent", CallbackData: "c"}})
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "<b>2</b> of 5 answered", ParseMode: models.ParseModeHTML, ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}
	edit := func(text string, markup models.ReplyMarkup) error {
		_, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: circle.ID, MessageID: msg.ID, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup})
		return err
	}
	if err := edit("<b>3</b> of 5 answered", kb); err != nil {
		t.Fatal(err)
	}
	// Same content (<strong> is <b>) and markup: not modified.
	err = edit("<strong>3</strong> of 5 answered", kb)
	if err == nil || !strings.HasSuffix(err.Error(), "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message") {
		t.Errorf("no-op edit: %v", err)
	}
	// Leaving out reply_markup removes the keyboard: that is a change.
	if err := edit("<b>3</b> of 5 answered", nil); err != nil {
		t.Errorf("removing the keyboard: %v", err)
	}
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: circle.ID, MessageID: msg.ID, ReplyMarkup: kb}); err != nil {
		t.Errorf("editMessageReplyMarkup: %v", err)
	}
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: circle.ID, MessageID: msg.ID, ReplyMarkup: kb}); err == nil || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("no-op editMessageReplyMarkup: %v", err)
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: circle.ID, MessageID: 99, Text: "x"})
	if err == nil || !strings.HasSuffix(err.Error(), "Bad Request: message to edit not found") {
		t.Errorf("unknown message: %v", err)
	}
	_, userMsg := s.Message(alice, circle, "/propose x")
	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: circle.ID, MessageID: userMsg, Text: "x"}); err == nil || !strings.Contains(err.Error(), "message can't be edited") {
		t.Errorf("editing a user's message: %v", err)
	}

	got := s.Chat(circle.ID)
	if len(got) != 1 || got[0].Plain != "3 of 5 answered" || got[0].Edits != 3 || len(got[0].Buttons) != 1 {
		t.Errorf("Chat = %+v", got)
	}
	// Deleting, then editing.
	if ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: circle.ID, MessageID: msg.ID}); !ok || err != nil {
		t.Fatalf("deleteMessage: %v %v", ok, err)
	}
	if err := edit("gone", nil); err == nil || !strings.Contains(err.Error(), "message to edit not found") {
		t.Errorf("editing a deleted message: %v", err)
	}
	if _, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: circle.ID, MessageID: msg.ID}); err == nil || !strings.Contains(err.Error(), "message to delete not found") {
		t.Errorf("deleting twice: %v", err)
	}
	if len(s.Chat(circle.ID)) != 0 {
		t.Errorf("Chat after delete = %+v", s.Chat(circle.ID))
	}
}

func TestRateLimits(t *testing.T) {
	clk := newClock()
	s := &Server{Now: clk.Now}
	b := newBot(t, s)
	ctx := context.Background()
	s.Message(alice, Private(alice), "/start")
	send := func(chatID int64) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "hi"})
		return err
	}

	// Per chat: a burst of 3 within a second, then 429.
	for i := range 3 {
		if err := send(alice.ID); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		clk.Advance(100 * time.Millisecond)
	}
	err := send(alice.ID)
	var tmr *bot.TooManyRequestsError
	if !errors.As(err, &tmr) || tmr.RetryAfter != 1 || !strings.Contains(tmr.Message, "Too Many Requests: retry after 1") {
		t.Fatalf("4th send: %v", err)
	}
	if n := len(s.Chat(alice.ID)); n != 3 {
		t.Errorf("%d messages delivered, want 3 (the limited one is not)", n)
	}
	clk.Advance(700 * time.Millisecond) // 1 s after the first send
	if err := send(alice.ID); err != nil {
		t.Errorf("after the window: %v", err)
	}

	// Per group: 20 a minute, with a retry_after until the oldest leaves.
	s.AddChat(circle)
	clk.Advance(time.Minute)
	for i := range 20 {
		if err := send(circle.ID); err != nil {
			t.Fatalf("group send %d: %v", i, err)
		}
		clk.Advance(2 * time.Second)
	}
	// 40 s after the first: it leaves the window in 20 s.
	if err := send(circle.ID); !errors.As(err, &tmr) || tmr.RetryAfter != 20 {
		t.Fatalf("21st group send: %v", err)
	}
	clk.Advance(20 * time.Second)
	if err := send(circle.ID); err != nil {
		t.Errorf("group send after retry_after: %v", err)
	}

	// Global: 30 a second over all chats.
	clk.Advance(time.Minute)
	var limited int
	for i := range 11 {
		c := Chat{ID: int64(-1000000000100 - i), Type: "supergroup", Title: "g"}
		s.AddChat(c)
		for range 3 {
			if err := send(c.ID); errors.As(err, &tmr) {
				limited++
			}
		}
	}
	if limited != 3 {
		t.Errorf("%d of 33 sends in a second limited, want 3", limited)
	}
	if got := s.Count429(); got != 5 {
		t.Errorf("Count429 = %d, want 5", got)
	}

	// Edits count too; Limits.Off and RetryAfter.
	clk.Advance(time.Minute)
	s2 := &Server{Now: clk.Now, Limits: Limits{RetryAfter: 7, PerGroupPerMinute: -1}}
	b2 := newBot(t, s2)
	s2.AddChat(circle)
	msg, err := b2.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "v0"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		if _, err := b2.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: circle.ID, MessageID: msg.ID, Text: fmt.Sprint("v", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b2.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: circle.ID, MessageID: msg.ID, Text: "v3"}); !errors.As(err, &tmr) || tmr.RetryAfter != 7 {
		t.Errorf("4th edit: %v", err)
	}
	if got := s2.Chat(circle.ID)[0]; got.Plain != "v2" || got.Edits != 2 {
		t.Errorf("the limited edit was applied: %+v", got)
	}

	s3 := &Server{Now: clk.Now, Limits: Limits{Off: true}}
	b3 := newBot(t, s3)
	s3.AddChat(circle)
	for i := range 100 {
		if _, err := b3.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "x"}); err != nil {
			t.Fatalf("send %d with Limits.Off: %v", i, err)
		}
	}
}

func TestInject(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	s.AddChat(circle)
	s.Inject("sendMessage", 2, 429, "", 5)
	s.Inject("answerCallbackQuery", 1, 500, "Internal Server Error", 0)
	var tmr *bot.TooManyRequestsError
	for range 2 {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "x"})
		if !errors.As(err, &tmr) || tmr.RetryAfter != 5 || !strings.Contains(err.Error(), "retry after 5") {
			t.Fatalf("injected 429: %v", err)
		}
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "x"}); err != nil {
		t.Fatalf("after the storm: %v", err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: "1"}); err == nil || !strings.Contains(err.Error(), "500 Internal Server Error") {
		t.Errorf("injected 500: %v", err)
	}
	if s.Count429() != 2 || len(s.Chat(circle.ID)) != 1 {
		t.Errorf("Count429 %d, Chat %+v", s.Count429(), s.Chat(circle.ID))
	}
}

func TestGetUpdatesOffsets(t *testing.T) {
	s := &Server{}
	s.Start(t)
	id1, m1 := s.Message(alice, Private(alice), "/start")
	id2, _ := s.Message(alice, Private(alice), "hello")
	id3, _ := s.Message(bob, Private(bob), "hi")
	if id2 != id1+1 || id3 != id2+1 || m1 != 1 {
		t.Fatalf("ids %d %d %d, message %d", id1, id2, id3, m1)
	}
	raw, upds := getUpdates(t, s, map[string]any{"offset": 0, "timeout": 0})
	if len(raw) != 3 || upds[0].ID != id1 || upds[0].Message.Text != "/start" || upds[2].Message.From.ID != bob.ID {
		t.Fatalf("getUpdates = %s", raw)
	}
	// Not confirmed yet: the same three again.
	if raw, _ := getUpdates(t, s, map[string]any{}); len(raw) != 3 || s.Confirmed() != 0 {
		t.Fatalf("second poll: %d updates, confirmed %d", len(raw), s.Confirmed())
	}
	// offset confirms everything below it.
	_, upds = getUpdates(t, s, map[string]any{"offset": id2, "limit": 1})
	if len(upds) != 1 || upds[0].ID != id2 || s.Confirmed() != id1 || len(s.Pending()) != 2 {
		t.Fatalf("offset %d limit 1: %+v, confirmed %d, pending %d", id2, upds, s.Confirmed(), len(s.Pending()))
	}
	// The multipart encoding works as well as JSON.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("offset", fmt.Sprint(id3+1))
	mw.Close()
	if status, r := post(t, s, "getUpdates", mw.FormDataContentType(), &body); status != 200 || string(r.Result) != "[]" {
		t.Fatalf("multipart getUpdates: %d %s", status, r.Result)
	}
	if s.Confirmed() != id3 || len(s.Pending()) != 0 {
		t.Errorf("confirmed %d, pending %d", s.Confirmed(), len(s.Pending()))
	}
	// As does a form and a query string.
	s.Message(alice, Private(alice), "again")
	if status, r := post(t, s, "getUpdates", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"offset": {fmt.Sprint(id3 + 1)}}.Encode())); status != 200 || !strings.Contains(string(r.Result), "again") {
		t.Errorf("form getUpdates: %d %s", status, r.Result)
	}
	resp, err := http.Get(s.URL() + "/bot" + s.token() + "/getUpdates?offset=-1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || s.Confirmed() != id3 || len(s.Pending()) != 1 {
		t.Errorf("GET getUpdates?offset=-1: %d, confirmed %d", resp.StatusCode, s.Confirmed())
	}
}

// Batch scripts getUpdates answers out of order and with repeats, also of
// updates confirmed already; the queue is answered again after them.
func TestBatchScriptsOutOfOrderAnswers(t *testing.T) {
	s := &Server{}
	s.Start(t)
	id1, _ := s.Message(alice, Private(alice), "one")
	id2, _ := s.Message(alice, Private(alice), "two")
	id3, _ := s.Message(bob, Private(bob), "three")
	s.Batch(id3, id1, id2, id1)
	s.Batch(id1)
	ids := func(upds []*models.Update) []int64 {
		var out []int64
		for _, u := range upds {
			out = append(out, u.ID)
		}
		return out
	}
	if _, upds := getUpdates(t, s, map[string]any{"timeout": 0}); fmt.Sprint(ids(upds)) != fmt.Sprint([]int64{id3, id1, id2, id1}) {
		t.Fatalf("first scripted batch: %v", ids(upds))
	}
	// Its offset confirms all three; the second batch still repeats one.
	if _, upds := getUpdates(t, s, map[string]any{"offset": id3 + 1, "timeout": 0}); fmt.Sprint(ids(upds)) != fmt.Sprint([]int64{id1}) || s.Confirmed() != id3 {
		t.Fatalf("second scripted batch: %v, confirmed %d", ids(upds), s.Confirmed())
	}
	id4, _ := s.Message(bob, Private(bob), "four")
	if _, upds := getUpdates(t, s, map[string]any{"offset": id3 + 1, "timeout": 0}); fmt.Sprint(ids(upds)) != fmt.Sprint([]int64{id4}) {
		t.Fatalf("after the scripts, the queue: %v", ids(upds))
	}
}

func TestGetUpdatesLongPoll(t *testing.T) {
	s := &Server{}
	s.Start(t)
	type result struct {
		upds []*models.Update
		took time.Duration
	}
	done := make(chan result)
	go func() {
		start := time.Now()
		status, r := postJSON(t, s, "getUpdates", map[string]any{"offset": 0, "timeout": 30})
		var upds []*models.Update
		if status == 200 {
			json.Unmarshal(r.Result, &upds)
		}
		done <- result{upds, time.Since(start)}
	}()
	// Wait until the poll is waiting, then queue an update: it must come
	// back at once, not after 30 s.
	s.Wait(t, "a getUpdates waiting", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.pollGen == 1
	})
	id, _ := s.Message(alice, Private(alice), "wake up")
	r := <-done
	if len(r.upds) != 1 || r.upds[0].ID != id || r.took > 10*time.Second {
		t.Errorf("long poll: %+v after %v", r.upds, r.took)
	}

	// A second poller terminates the first with 409.
	codes := make(chan int)
	go func() {
		status, _ := postJSON(t, s, "getUpdates", map[string]any{"offset": id + 1, "timeout": 30})
		codes <- status
	}()
	s.Wait(t, "the first poller waiting", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.pollGen == 2
	})
	go func() {
		status, _ := postJSON(t, s, "getUpdates", map[string]any{"offset": id + 1, "timeout": 0})
		codes <- status
	}()
	got := []int{<-codes, <-codes}
	sort.Ints(got)
	if got[0] != 200 || got[1] != 409 {
		t.Errorf("two pollers: %v, want one 200 and one 409", got)
	}
}

func TestGetUpdatesCancel(t *testing.T) {
	s := &Server{}
	s.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot"+s.token()+"/getUpdates", strings.NewReader(`{"timeout":60}`))
		req.Header.Set("Content-Type", "application/json")
		_, err := http.DefaultClient.Do(req)
		done <- err
	}()
	s.Wait(t, "a getUpdates waiting", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.pollGen == 1
	})
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("canceled poll: %v", err)
	}
	// The server notices and ends the poll (the test's cleanup would wait
	// for it otherwise).
	s.Wait(t, "the canceled poll to end", func() bool { return len(s.Calls()) == 1 })
}

func TestBotStartDispatches(t *testing.T) {
	// The library's own poller (multipart getUpdates) and dispatch.
	s := &Server{}
	var mu sync.Mutex
	var texts []string
	b := newBot(t, s, bot.WithNotAsyncHandlers(), bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
		mu.Lock()
		defer mu.Unlock()
		if u.Message != nil {
			texts = append(texts, u.Message.Text)
		}
	}))
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		b.Start(ctx)
		close(stopped)
	}()
	t.Cleanup(func() {
		cancel()
		<-stopped
	})
	s.Message(alice, Private(alice), "one")
	s.Message(alice, Private(alice), "two")
	s.Wait(t, "both messages handled", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(texts) == 2
	})
	if texts[0] != "one" || texts[1] != "two" {
		t.Errorf("handled %q", texts)
	}
}

func TestCallbackQueries(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	s.AddChat(circle)
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "Proposal P1: Adopt the budget. Do you consent?", ReplyMarkup: keyboard(
		[]models.InlineKeyboardButton{{Text: "Consent", CallbackData: "v1:p1:consent"}, {Text: "Object", CallbackData: "v1:p1:object"}},
		[]models.InlineKeyboardButton{{Text: "Read", URL: "https://example.org"}},
	)})
	if err != nil {
		t.Fatal(err)
	}
	id := s.PressButton(t, bob, circle.ID, msg.ID, "Object")
	_, upds := getUpdates(t, s, map[string]any{})
	if len(upds) != 1 || upds[0].ID != id {
		t.Fatalf("updates %+v", upds)
	}
	cq := upds[0].CallbackQuery
	if cq == nil || cq.Data != "v1:p1:object" || cq.From.ID != bob.ID || cq.ChatInstance == "" || cq.ID == "" ||
		cq.Message.Message == nil || cq.Message.Message.ID != msg.ID || cq.Message.Message.From.ID != DefaultBotID ||
		cq.Message.Message.ReplyMarkup == nil || len(cq.Message.Message.ReplyMarkup.InlineKeyboard) != 2 {
		t.Fatalf("callback_query = %+v", cq)
	}
	ok, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID, Text: "Objection noted", ShowAlert: true})
	if !ok || err != nil {
		t.Fatalf("answer: %v %v", ok, err)
	}
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID})
	if err == nil || !strings.HasSuffix(err.Error(), "Bad Request: query is too old and response timeout expired or query ID is invalid") {
		t.Errorf("second answer: %v", err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: "12345"}); err == nil {
		t.Errorf("unknown query answered")
	}
	s.Press(bob, circle, msg.ID, "v1:p1:consent")
	_, upds = getUpdates(t, s, map[string]any{"offset": id + 1})
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: upds[0].CallbackQuery.ID, Text: strings.Repeat("x", 201)}); err == nil {
		t.Errorf("201-character answer accepted")
	}
	want := []CallbackAnswer{{QueryID: cq.ID, Data: "v1:p1:object", Text: "Objection noted", ShowAlert: true}}
	if got := s.CallbackAnswers(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CallbackAnswers = %+v, want %+v", got, want)
	}

	// PressButton fails the test for a missing or URL button.
	rec := &recorder{TB: t}
	if s.PressButton(rec, bob, circle.ID, msg.ID, "Maybe") != 0 || s.PressButton(rec, bob, circle.ID, msg.ID, "Read") != 0 {
		t.Errorf("PressButton queued an update")
	}
	if errs := rec.errors(); len(errs) != 2 || !strings.Contains(errs[0], `has no button "Maybe"; it has ["Consent" "Object" "Read"]`) {
		t.Errorf("PressButton reported %q", errs)
	}

	// A press on a deleted message carries an inaccessible message.
	b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: circle.ID, MessageID: msg.ID})
	id = s.Press(bob, circle, msg.ID, "v1:p1:consent")
	_, upds = getUpdates(t, s, map[string]any{"offset": id})
	if m := upds[0].CallbackQuery.Message; m.Type != models.MaybeInaccessibleMessageTypeInaccessibleMessage || m.InaccessibleMessage.MessageID != msg.ID {
		t.Errorf("press on a deleted message: %+v", m)
	}
}

func TestMigration(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	s.Message(alice, oldGrp, "/propose@samen_test_bot x")
	const newID = -1001111111111
	s.Migrate(oldGrp, newID)
	_, upds := getUpdates(t, s, map[string]any{})
	if len(upds) != 3 || upds[1].Message.MigrateToChatID != newID || upds[1].Message.Chat.ID != oldGrp.ID ||
		upds[2].Message.MigrateFromChatID != oldGrp.ID || upds[2].Message.Chat.ID != newID || upds[2].Message.Chat.Type != "supergroup" {
		t.Fatalf("migration updates: %+v", upds)
	}
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: oldGrp.ID, Text: "x"})
	var me *bot.MigrateError
	if !errors.As(err, &me) || me.MigrateToChatID != newID || !strings.Contains(me.Message, "Bad Request: group chat was upgraded to a supergroup chat") {
		t.Fatalf("send to the old group: %v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: int64(newID), Text: "x"}); err != nil {
		t.Fatalf("send to the supergroup: %v", err)
	}
	// The error body is the sample's.
	status, r := postJSON(t, s, "sendMessage", map[string]any{"chat_id": oldGrp.ID, "text": "x"})
	if status != 400 || r.Parameters.MigrateToChatID != newID || r.Description != "Bad Request: group chat was upgraded to a supergroup chat" {
		t.Errorf("raw answer %d %+v", status, r)
	}
}

func TestPrivacyMode(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	if id, _ := s.Message(alice, circle, "just chatting"); id != 0 {
		t.Errorf("plain group text reached the bot in privacy mode")
	}
	if id, _ := s.Message(alice, circle, "/propose@other_bot x"); id != 0 {
		t.Errorf("another bot's command reached the bot")
	}
	for _, text := range []string{"/propose x", "/propose@samen_test_bot x", "/propose@Samen_Test_Bot"} {
		if id, _ := s.Message(alice, circle, text); id == 0 {
			t.Errorf("%q did not reach the bot", text)
		}
	}
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "Your concern?"})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := s.Message(alice, circle, "too expensive", ReplyTo(msg.ID))
	if id == 0 {
		t.Fatalf("a reply to the bot did not reach it")
	}
	_, upds := getUpdates(t, s, map[string]any{"offset": id})
	rt := upds[0].Message.ReplyToMessage
	if rt == nil || rt.ID != msg.ID || rt.From.ID != DefaultBotID || rt.Text != "Your concern?" {
		t.Errorf("reply_to_message = %+v", rt)
	}
	if id, _ := s.Message(bob, circle, "voice", Attachment("voice")); id != 0 {
		t.Errorf("a voice note reached the bot in privacy mode")
	}
	if id, _ := s.Message(bob, Private(bob), "", Attachment("voice")); id == 0 {
		t.Errorf("a private voice note did not reach the bot")
	}

	open := &Server{CanReadAllGroupMessages: true}
	open.Start(t)
	if id, _ := open.Message(alice, circle, "just chatting"); id == 0 {
		t.Errorf("plain text did not reach a bot with privacy off")
	}
	raw, _ := getUpdates(t, open, map[string]any{})
	if len(raw) != 1 {
		t.Errorf("updates %s", raw)
	}
	status, r := postJSON(t, open, "getMe", nil)
	if status != 200 || !strings.Contains(string(r.Result), `"can_read_all_group_messages":true`) {
		t.Errorf("getMe %s", r.Result)
	}
}

func TestForumTopics(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	id, mid := s.Message(alice, forum, "/concern@samen_test_bot budget too tight", InThread(7))
	if mid != 8 {
		t.Errorf("message id %d, want 8 (after the topic's creation message 7)", mid)
	}
	_, upds := getUpdates(t, s, map[string]any{"offset": id})
	m := upds[0].Message
	if m.MessageThreadID != 7 || !m.IsTopicMessage || !m.Chat.IsForum || m.ReplyToMessage == nil ||
		m.ReplyToMessage.ID != 7 || m.ReplyToMessage.ForumTopicCreated == nil || m.ReplyToMessage.From.ID != alice.ID {
		t.Fatalf("topic message = %+v, reply_to %+v", m, m.ReplyToMessage)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: forum.ID, MessageThreadID: 7, Text: "noted"}); err != nil {
		t.Fatal(err)
	}
	if got := s.Chat(forum.ID); len(got) != 1 || got[0].ThreadID != 7 {
		t.Errorf("Chat = %+v", got)
	}
	for _, c := range []struct {
		chat   int64
		thread int
	}{{forum.ID, 99}, {circle.ID, 7}} {
		s.AddChat(circle)
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: c.chat, MessageThreadID: c.thread, Text: "x"})
		if err == nil || !strings.Contains(err.Error(), "message thread not found") {
			t.Errorf("thread %d in %d: %v", c.thread, c.chat, err)
		}
	}
	topic, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forum.ID, Name: "P1: budget"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: forum.ID, MessageThreadID: topic.MessageThreadID, Text: "Concerns here"}); err != nil {
		t.Fatal(err)
	}
	// Plain text in a topic the bot created replies to the bot's creation
	// message, so it reaches the bot even in privacy mode.
	id, _ = s.Message(bob, forum, "my concern", InThread(topic.MessageThreadID))
	if id == 0 {
		t.Fatal("a message in the bot's topic did not reach it")
	}
	_, upds = getUpdates(t, s, map[string]any{"offset": id})
	if rt := upds[0].Message.ReplyToMessage; rt == nil || rt.From.ID != DefaultBotID || rt.ForumTopicCreated.Name != "P1: budget" {
		t.Errorf("reply_to_message = %+v", rt)
	}
	if _, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: circle.ID, Name: "x"}); err == nil || !strings.Contains(err.Error(), "the chat is not a forum") {
		t.Errorf("topic in a non-forum: %v", err)
	}
}

func TestSendDocument(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	s.Message(alice, Private(alice), "/export")
	content := strings.Repeat("# Record\n", 100)
	msg, err := b.SendDocument(ctx, &bot.SendDocumentParams{
		ChatID:    alice.ID,
		Document:  &models.InputFileUpload{Filename: "record.md", Data: strings.NewReader(content)},
		Caption:   "The record of <b>P1</b>",
		ParseMode: models.ParseModeHTML,
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.Document == nil || msg.Document.FileName != "record.md" || msg.Document.FileSize != int64(len(content)) || msg.Caption != "The record of P1" {
		t.Errorf("result = %+v, document %+v", msg, msg.Document)
	}
	got := s.Chat(alice.ID)
	if len(got) != 1 || got[0].Document != "record.md" || got[0].DocumentSize != int64(len(content)) || got[0].Plain != "The record of P1" {
		t.Errorf("Chat = %+v", got)
	}
	calls := s.Calls()
	if last := calls[len(calls)-1]; last.Method != "sendDocument" || last.Params["document"] != "record.md" {
		t.Errorf("call = %+v", last)
	}
	if _, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Document: &models.InputFileUpload{Filename: "empty.md", Data: strings.NewReader("")}}); err == nil {
		t.Errorf("empty file accepted")
	}
	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: msg.ID, Text: "x"}); err == nil || !strings.Contains(err.Error(), "there is no text in the message to edit") {
		t.Errorf("editing a document's text: %v", err)
	}
}

func TestCommands(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	cmds := []models.BotCommand{{Command: "propose", Description: "Propose something"}, {Command: "status", Description: "Where are we?"}}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds, Scope: &models.BotCommandScopeAllGroupChats{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds[:1], Scope: &models.BotCommandScopeChat{ChatID: circle.ID}, LanguageCode: "nl"}); err != nil {
		t.Fatal(err)
	}
	got, err := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{Scope: &models.BotCommandScopeAllGroupChats{}})
	if err != nil || len(got) != 2 || got[1].Command != "status" {
		t.Errorf("getMyCommands = %+v, %v", got, err)
	}
	if got, _ := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{}); len(got) != 0 {
		t.Errorf("default scope = %+v", got)
	}
	if got := s.Commands(Scope{Type: "chat", ChatID: fmt.Sprint(circle.ID)}, "nl"); len(got) != 1 || got[0].Command != "propose" {
		t.Errorf("Commands(chat, nl) = %+v", got)
	}
	for _, bad := range []models.BotCommand{{Command: "Propose", Description: "x"}, {Command: "pro-pose", Description: "x"},
		{Command: strings.Repeat("a", 33), Description: "x"}, {Command: "ok", Description: ""}, {Command: "ok", Description: strings.Repeat("d", 257)}} {
		if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{bad}}); !errors.Is(err, bot.ErrorBadRequest) {
			t.Errorf("command %+v: %v", bad, err)
		}
	}
	if _, err := b.DeleteMyCommands(ctx, &bot.DeleteMyCommandsParams{Scope: &models.BotCommandScopeAllGroupChats{}}); err != nil {
		t.Fatal(err)
	}
	if got := s.Commands(Scope{Type: "all_group_chats"}, ""); len(got) != 0 {
		t.Errorf("after delete: %+v", got)
	}
}

func TestWebhook(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	ctx := context.Background()
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "http://insecure.example/hook"}); err == nil {
		t.Errorf("http webhook accepted")
	}
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://samen.example/hook", SecretToken: "s3cret_-", AllowedUpdates: []string{"message"}}); err != nil {
		t.Fatal(err)
	}
	status, r := postJSON(t, s, "getUpdates", map[string]any{})
	if status != 409 || !strings.Contains(r.Description, "webhook is active") {
		t.Errorf("getUpdates with a webhook: %d %s", status, r.Description)
	}
	id1, _ := s.Message(alice, Private(alice), "one")
	// my_chat_member is not in allowed_updates; the new_chat_members
	// message that comes with it is.
	s.BotAdded(alice, circle)
	id3, _ := s.Message(alice, Private(alice), "three")
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != "https://samen.example/hook" || info.PendingUpdateCount != 4 {
		t.Errorf("webhook info %+v %v", info, err)
	}

	var got []string
	fail := true
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Telegram-Bot-Api-Secret-Token") != "s3cret_-" {
			t.Errorf("secret token header %q", r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		}
		var u models.Update
		json.NewDecoder(r.Body).Decode(&u)
		if fail {
			fail = false
			w.WriteHeader(500)
			return
		}
		got = append(got, fmt.Sprint(u.ID))
	})
	if n := s.DeliverWebhook(t, h); n != 0 || s.Confirmed() != 0 {
		t.Errorf("a 500 confirmed %d", n)
	}
	if n := s.DeliverWebhook(t, h); n != 3 || s.Confirmed() != id3 || len(s.Pending()) != 0 {
		t.Errorf("delivered %d, confirmed %d", n, s.Confirmed())
	}
	if fmt.Sprint(got) != fmt.Sprint([]string{fmt.Sprint(id1), fmt.Sprint(id1 + 2), fmt.Sprint(id3)}) {
		t.Errorf("delivered %v", got)
	}
	if _, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		t.Fatal(err)
	}
	if status, _ := postJSON(t, s, "getUpdates", map[string]any{}); status != 200 {
		t.Errorf("getUpdates after deleteWebhook: %d", status)
	}
}

func TestWaitWakesOnRequests(t *testing.T) {
	s := &Server{}
	b := newBot(t, s)
	s.AddChat(circle)
	go b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: circle.ID, Text: "async"})
	s.Wait(t, "the message", func() bool { return len(s.Chat(circle.ID)) == 1 })

	rec := &fatalRecorder{TB: t}
	s2 := &Server{WaitTimeout: time.Millisecond}
	s2.Start(t)
	s2.Wait(rec, "something that never happens", func() bool { return false })
	if !strings.Contains(rec.fatal, "timed out after 1ms waiting for something that never happens") {
		t.Errorf("Wait reported %q", rec.fatal)
	}
}

type fatalRecorder struct {
	testing.TB
	fatal string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *fatalRecorder) Helper()                           {}

// TestUpdateShapes checks the updates the fake makes against the samples
// of real updates in testdata/: every field of a sample is present, with
// the same JSON kind, and models.Update decodes them all.
func TestUpdateShapes(t *testing.T) {
	s := &Server{BotUsername: "DelibBot"}
	b := newBot(t, s)
	ctx := context.Background()
	sample := map[string]int64{}
	sample["group_command.json"], _ = s.Message(alice, circle, "/propose@DelibBot Adopt the budget")
	sample["forum_topic_command.json"], _ = s.Message(alice, Chat{ID: circle.ID, Type: "supergroup", Title: circle.Title, IsForum: true}, "/concern@DelibBot budget too tight", InThread(7))
	sample["private_start_deeplink.json"], _ = s.Message(alice, Private(alice), "/start reflect_p1")
	sample["private_text.json"], _ = s.Message(alice, Private(alice), "My reflection: the budget ignores maintenance.")
	_, mid := s.Message(alice, circle, "/propose@DelibBot Adopt the budget")
	sample["edited_message.json"], _ = s.Message(alice, circle, "/propose@DelibBot Adopt the revised budget", Edit(mid))
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "Proposal P1: Adopt the budget. Do you consent?", ReplyMarkup: keyboard(
		[]models.InlineKeyboardButton{{Text: "Consent", CallbackData: "v1:p1:consent"}, {Text: "Object", CallbackData: "v1:p1:object"}})})
	if err != nil {
		t.Fatal(err)
	}
	bobEN := bob
	bobEN.LanguageCode = "en"
	sample["callback_query.json"] = s.PressButton(t, bobEN, circle.ID, msg.ID, "Consent")
	sample["my_chat_member_added.json"] = s.BotAdded(alice, Chat{ID: -1002222222222, Title: "New"})

	// Attachments and other options decode too.
	for kind := range attachmentKinds {
		s.Message(bob, Private(bob), "caption", Attachment(kind))
	}
	s.Message(bob, Private(bob), "reply", ReplyTo(1))
	s.BotRemoved(alice, Chat{ID: -1002222222222})
	s.Migrate(oldGrp, -1003333333333)

	raw, upds := getUpdates(t, s, map[string]any{})
	byID := map[int64]json.RawMessage{}
	for i, u := range upds {
		byID[u.ID] = raw[i]
	}
	for file, id := range sample {
		want, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		var w, g any
		json.Unmarshal(want, &w)
		if err := json.Unmarshal(byID[id], &g); err != nil {
			t.Fatalf("%s: update %d: %v", file, id, err)
		}
		for _, p := range missingPaths(w, g, "") {
			t.Errorf("%s: the fake's update lacks %s: %s", file, p, byID[id])
		}
	}
	// The error bodies, too.
	for file, body := range map[string]func() (int, apiResp){
		"error_429.json": func() (int, apiResp) {
			s.Inject("sendMessage", 1, 429, "", 7)
			return postJSON(t, s, "sendMessage", map[string]any{"chat_id": circle.ID, "text": "x"})
		},
	} {
		want, _ := os.ReadFile(filepath.Join("testdata", file))
		var w apiResp
		json.Unmarshal(want, &w)
		_, got := body()
		w.Result, got.Result = nil, nil
		if fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s: got %+v, want %+v", file, got, w)
		}
	}
}

// missingPaths lists the object keys in want that got lacks, or where got
// has another JSON kind.
func missingPaths(want, got any, path string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{path + " (not an object)"}
		}
		var out []string
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				out = append(out, path+"."+k)
				continue
			}
			out = append(out, missingPaths(wv, gv, path+"."+k)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{path + " (not an array)"}
		}
		var out []string
		for i := range min(len(w), len(g)) {
			out = append(out, missingPaths(w[i], g[i], fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	default:
		if fmt.Sprintf("%T", want) != fmt.Sprintf("%T", got) {
			return []string{fmt.Sprintf("%s (%T, want %T)", path, got, want)}
		}
		return nil
	}
}

func TestBotAPIDescription(t *testing.T) {
	api := botAPI()
	if !strings.HasPrefix(api.Version, "Bot API ") || len(api.methods) < 150 {
		t.Fatalf("botapi.json: %s, %d methods", api.Version, len(api.methods))
	}
	m := api.method("SENDMESSAGE")
	if m == nil || m.Name != "sendMessage" || !m.Fields["chat_id"].Required || !m.Fields["text"].Required ||
		fmt.Sprint(m.Fields["chat_id"].Types) != "[Integer String]" || m.Fields["parse_mode"].Required {
		t.Errorf("sendMessage = %+v", m)
	}
	for name := range handlers {
		if api.method(name) == nil {
			t.Errorf("handler for %s, which the Bot API does not have", name)
		}
	}
}

func TestReplies(t *testing.T) {
	s := &Server{Limits: Limits{Off: true}}
	b := newBot(t, s)
	ctx := context.Background()
	_, concern := s.Message(alice, circle, "/concern budget")
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "Noted", ReplyParameters: &models.ReplyParameters{MessageID: concern}})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ReplyToMessage == nil || msg.ReplyToMessage.ID != concern || msg.ReplyToMessage.From.ID != alice.ID {
		t.Errorf("reply_to_message = %+v", msg.ReplyToMessage)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "x", ReplyParameters: &models.ReplyParameters{MessageID: 99}}); err == nil || !strings.Contains(err.Error(), "message to be replied not found") {
		t.Errorf("reply to a missing message: %v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: circle.ID, Text: "x", ReplyParameters: &models.ReplyParameters{MessageID: 99, AllowSendingWithoutReply: true}}); err != nil {
		t.Errorf("allow_sending_without_reply: %v", err)
	}
	// The pre-7.0 reply_to_message_id, and objects as JSON strings inside a
	// JSON body, are still accepted by the real API.
	status, r := postJSON(t, s, "sendMessage", map[string]any{"chat_id": fmt.Sprint(circle.ID), "text": "old style", "reply_to_message_id": concern,
		"reply_markup": `{"inline_keyboard":[[{"text":"OK","callback_data":"ok"}]]}`})
	if status != 200 {
		t.Fatalf("sendMessage: %d %s", status, r.Description)
	}
	got := s.Chat(circle.ID)
	if last := got[len(got)-1]; last.ReplyTo != concern || last.Plain != "old style" || len(last.Buttons) != 1 || got[0].ReplyTo != concern {
		t.Errorf("Chat = %+v", got)
	}
}

func TestRawUpdates(t *testing.T) {
	s := &Server{}
	s.Start(t)
	id1, _ := s.Message(alice, Private(alice), "first")
	// A ChatMember status go-telegram/bot cannot decode: a poison update.
	poison := `{"update_id":700000001,"my_chat_member":{"chat":{"id":-1,"type":"group","title":"g"},"from":{"id":1,"is_bot":false,"first_name":"A"},"date":1,` +
		`"old_chat_member":{"user":{"id":7000000001,"is_bot":true,"first_name":"Samen"},"status":"left"},"new_chat_member":{"user":{"id":7000000001,"is_bot":true,"first_name":"Samen"},"status":"visitor"}}}`
	s.Raw(poison)
	id3, _ := s.Message(alice, Private(alice), "after")
	if id3 != 700000002 {
		t.Errorf("generated ids continue after the raw one: %d", id3)
	}
	status, r := postJSON(t, s, "getUpdates", map[string]any{})
	var raw []json.RawMessage
	json.Unmarshal(r.Result, &raw)
	if status != 200 || len(raw) != 3 || string(raw[1]) != poison {
		t.Fatalf("getUpdates: %s", r.Result)
	}
	var upds []*models.Update
	if err := json.Unmarshal(r.Result, &upds); err == nil {
		t.Errorf("the library decoded the poison update")
	}
	if p := s.Pending(); len(p) != 3 || !strings.Contains(string(p[0]), fmt.Sprint(id1)) {
		t.Errorf("Pending = %s", p)
	}
	getUpdates(t, s, map[string]any{"offset": id3 + 1})
	rec := &recorder{TB: t}
	s2 := &Server{}
	s2.Start(rec)
	s2.Raw(`{"message":{}}`)
	s2.Raw(`not json`)
	if errs := rec.errors(); len(errs) != 2 {
		t.Errorf("bad Raw reported %q", errs)
	}
}

func TestMisuseFailsTheTest(t *testing.T) {
	rec := &recorder{TB: t}
	s := &Server{}
	s.Start(rec)
	s.Message(alice, circle, "x", ReplyTo(42))
	s.Message(alice, circle, "x", InThread(3))
	s.Message(alice, Private(alice), "x", Attachment("hologram"))
	s.Message(alice, Private(bob), "x")
	s.Press(alice, circle, 42, "data")
	s.Migrate(circle, -1005555555555)
	s.DeliverWebhook(rec, http.NotFoundHandler())
	want := []string{"ReplyTo(42)", "InThread(3)", `unknown Attachment kind "hologram"`, "is not the chat of user", "Press: no message 42",
		"only a group can be upgraded", "DeliverWebhook without a webhook"}
	errs := rec.errors()
	if len(errs) != len(want) {
		t.Fatalf("reported %q", errs)
	}
	for i, w := range want {
		if !strings.Contains(errs[i], w) {
			t.Errorf("failure %d = %q, want %q", i, errs[i], w)
		}
	}
}

func TestCloseEndsLongPolls(t *testing.T) {
	answered := make(chan int, 1)
	t.Run("server", func(t *testing.T) {
		s := &Server{}
		s.Start(t)
		u := s.URL() + "/bot" + s.Token + "/getUpdates"
		go func() {
			resp, err := http.Post(u, "application/json", strings.NewReader(`{"timeout":600}`))
			if err != nil {
				answered <- 0
				return
			}
			resp.Body.Close()
			answered <- resp.StatusCode
		}()
		s.Wait(t, "the poll waiting", func() bool {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.pollGen == 1
		})
	}) // the cleanup must not wait 600 s
	if code := <-answered; code != 200 {
		t.Errorf("poll answered %d at close", code)
	}
}
