package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults used when the corresponding Server field is zero.
const (
	DefaultToken       = "7000000001:TESTTOKEN"
	DefaultBotID       = 7000000001
	DefaultBotUsername = "samen_test_bot"
	DefaultWaitTimeout = 10 * time.Second

	// firstUpdateID is the update_id of the first queued update. It is
	// below the ids of the samples in testdata (700000001…), so that Raw
	// can queue a sample after generated updates; later generated ids
	// continue above the highest raw one.
	firstUpdateID = 100000001
)

// Server is a fake Telegram Bot API server. Its zero value is ready for
// use: call Start. Configure it through its exported fields before Start;
// they must not change afterwards.
//
// Everything the fake knows is in memory: the chats and users it has seen
// (through Message, BotAdded, …), the messages in each chat, queued updates
// and the bot's commands. It answers the way the real Bot API does, with
// the real error texts, and treats a request it does not understand (an
// unknown method or parameter, a missing required parameter, a value of the
// wrong type, a method it does not implement) as a bug in the code under
// test: it answers 400 (404 for an unknown method, as Telegram does) and
// fails the test passed to Start.
//
// Errors a correct client can meet (a bad HTML tag, a 403 from a user who
// never started the bot, a 429) are only answered, as Telegram would; the
// test sees them through the client's errors, Calls and Chat.
type Server struct {
	Token       string // the bot token; default DefaultToken
	BotID       int64  // the bot's user id; default DefaultBotID
	BotUsername string // default DefaultBotUsername
	Limits      Limits // rate limits; the zero value is Telegram's limits

	// Now is the clock for rate limits, message dates and the 48-hour
	// limit on deleting messages; default time.Now. Long polls and Wait
	// use real time.
	Now func() time.Time

	// WaitTimeout bounds Wait; default DefaultWaitTimeout.
	WaitTimeout time.Duration

	// CanReadAllGroupMessages turns the bot's privacy mode off. In privacy
	// mode (false, Telegram's default) a message in a group or supergroup
	// reaches the bot only if it holds a command for this bot (/cmd or
	// /cmd@this_bot), replies to one of the bot's messages (including a
	// message in a forum topic the bot created), or is a service message;
	// Message returns update id 0 for the others.
	CanReadAllGroupMessages bool

	// Logf, if non-nil, receives a line for every request and answer.
	Logf func(format string, args ...any)

	mu      sync.Mutex
	inited  bool
	t       testing.TB
	srv     *httptest.Server
	url     string
	closing chan struct{}
	changed chan struct{} // closed and replaced on every change

	nextUpdateID int64
	queue        []queued                  // unconfirmed updates, by ascending update_id
	everQueued   map[int64]json.RawMessage // every update queued, confirmed or not, for Batch
	batches      [][]json.RawMessage       // scripted getUpdates answers (Batch), first due first
	confirmed    int64
	allowed      []string // sticky allowed_updates; nil: the default set
	pollGen      int64    // incremented by every getUpdates
	webhook      *webhook

	chats       map[int64]*chat
	users       map[int64]User
	nextQueryID int64
	queries     map[string]*query
	answers     []CallbackAnswer
	commands    map[Scope]map[string][]Command // scope → language_code → commands
	calls       []Call
	count429    int
	injected    map[string][]injection // by lower-case method name
	rate        map[rateKey][]time.Time
	nextFileID  int64
}

// Call is one request the fake handled.
type Call struct {
	Method string            // as the Bot API spells it, e.g. "sendMessage"
	Params map[string]string // every parameter as text; JSON values as JSON; a file part as its file name
	Status int               // 200, or the error_code answered
	At     time.Time         // Server.Now when the request arrived
}

// CallbackAnswer is an answerCallbackQuery the bot made.
type CallbackAnswer struct {
	QueryID   string
	Data      string // the callback_data of the query answered
	Text      string
	ShowAlert bool
	URL       string
	CacheTime int
}

type queued struct {
	id   int64
	kind string // message, callback_query, … (the update's second key)
	raw  json.RawMessage
}

type webhook struct {
	url            string
	secretToken    string
	maxConnections int
}

type query struct {
	id       string
	data     string
	answered bool
}

type injection struct {
	code       int
	desc       string
	retryAfter int
}

// apiError is an unsuccessful answer.
type apiError struct {
	code       int
	desc       string
	retryAfter int
	migrateTo  int64
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func forbidden(desc string) *apiError {
	return &apiError{code: http.StatusForbidden, desc: "Forbidden: " + desc}
}

// init sets up the maps; s.mu must be held.
func (s *Server) init() {
	if s.inited {
		return
	}
	s.inited = true
	s.closing = make(chan struct{})
	s.changed = make(chan struct{})
	s.nextUpdateID = firstUpdateID
	s.chats = make(map[int64]*chat)
	s.users = make(map[int64]User)
	s.queries = make(map[string]*query)
	s.everQueued = make(map[int64]json.RawMessage)
	s.commands = make(map[Scope]map[string][]Command)
	s.injected = make(map[string][]injection)
}

// lock locks s and makes sure it is initialised.
func (s *Server) lock() {
	s.mu.Lock()
	s.init()
}

// notify wakes every long poll and Wait; s.mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) token() string {
	if s.Token == "" {
		return DefaultToken
	}
	return s.Token
}

func (s *Server) botID() int64 {
	if s.BotID == 0 {
		return DefaultBotID
	}
	return s.BotID
}

func (s *Server) botUsername() string {
	if s.BotUsername == "" {
		return DefaultBotUsername
	}
	return s.BotUsername
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) logf(format string, args ...any) {
	if s.Logf != nil {
		s.Logf(format, args...)
	}
}

// fail reports a misuse of the fake or an invalid request: it fails the
// test given to Start, or panics before Start.
func (s *Server) fail(format string, args ...any) {
	msg := "telegramtest: " + fmt.Sprintf(format, args...)
	if s.t == nil {
		panic(msg)
	}
	s.t.Errorf("%s", msg)
}

// Start starts the fake on a local port and returns its URL, without a
// trailing slash, for bot.WithServerURL. It fills in the defaults of Token,
// BotID and BotUsername. The server is closed when the test ends, which
// also ends any long poll. Invalid requests fail t.
func (s *Server) Start(t testing.TB) string {
	t.Helper()
	s.lock()
	if s.srv != nil {
		s.mu.Unlock()
		t.Fatalf("telegramtest: Start called twice")
		return ""
	}
	s.Token, s.BotID, s.BotUsername = s.token(), s.botID(), s.botUsername()
	s.t = t
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.url = s.srv.URL
	closing := s.closing
	s.mu.Unlock()
	t.Cleanup(func() {
		close(closing) // ends long polls, so that Close does not wait for them
		s.srv.Close()
	})
	return s.url
}

// URL returns the URL Start returned.
func (s *Server) URL() string {
	s.lock()
	defer s.mu.Unlock()
	if s.url == "" {
		panic("telegramtest: URL called before Start")
	}
	return s.url
}

// Client returns an HTTP client for the server (httptest.Server.Client).
func (s *Server) Client() *http.Client {
	s.lock()
	defer s.mu.Unlock()
	if s.srv == nil {
		panic("telegramtest: Client called before Start")
	}
	return s.srv.Client()
}

// request is a parsed Bot API request.
type request struct {
	ctx         context.Context
	method      *apiMethod
	params      map[string]param
	attachments map[string]*upload // multipart parts referred to as attach://<name>
}

func (r *request) has(name string) bool {
	_, ok := r.params[name]
	return ok
}

func (r *request) str(name string) string { return r.params[name].text }

// int returns an Integer parameter (already validated), or 0.
func (r *request) int(name string) int64 {
	var n int64
	fmt.Sscan(strings.TrimSpace(r.params[name].text), &n)
	return n
}

func (r *request) bool(name string) bool {
	v, _ := parseBool(r.params[name].text)
	return v
}

// decode decodes an object or array parameter (already validated as JSON).
func (r *request) decode(name string, v any) error {
	return json.Unmarshal(r.params[name].jsonText(), v)
}

// handler serves one method; s.mu is held.
type handler func(s *Server, r *request) (any, *apiError)

func (s *Server) serveHTTP(w http.ResponseWriter, hr *http.Request) {
	s.lock()
	defer s.mu.Unlock()
	at := s.now()

	call := Call{Method: hr.URL.Path, At: at}
	result, aerr := s.serve(hr, &call)
	if aerr != nil {
		call.Status = aerr.code
		if aerr.code == http.StatusTooManyRequests {
			s.count429++
		}
	} else {
		call.Status = http.StatusOK
	}
	s.calls = append(s.calls, call)
	s.logf("telegramtest: %s %v → %d", call.Method, call.Params, call.Status)
	s.notify()

	var body []byte
	if aerr != nil {
		resp := map[string]any{"ok": false, "error_code": aerr.code, "description": aerr.desc}
		params := map[string]any{}
		if aerr.retryAfter > 0 {
			params["retry_after"] = aerr.retryAfter
		}
		if aerr.migrateTo != 0 {
			params["migrate_to_chat_id"] = aerr.migrateTo
		}
		if len(params) > 0 {
			resp["parameters"] = params
		}
		body, _ = json.Marshal(resp)
	} else {
		var err error
		body, err = json.Marshal(map[string]any{"ok": true, "result": result})
		if err != nil {
			s.fail("%s: encoding the result: %v", call.Method, err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(call.Status)
	w.Write(body)
}

// serve handles one request with s.mu held, filling in call.
func (s *Server) serve(hr *http.Request, call *Call) (any, *apiError) {
	rest, ok := strings.CutPrefix(hr.URL.Path, "/bot")
	token, name, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || name == "" || strings.Contains(name, "/") {
		s.fail("request to unknown path %s %s (want POST /bot<token>/<method>)", hr.Method, hr.URL.Path)
		return nil, &apiError{code: http.StatusNotFound, desc: "Not Found"}
	}
	call.Method = name
	if token != s.token() {
		return nil, &apiError{code: http.StatusUnauthorized, desc: "Unauthorized"}
	}
	m := botAPI().method(name)
	if m == nil {
		s.fail("unknown method %q (not in %s)", name, botAPI().Version)
		return nil, &apiError{code: http.StatusNotFound, desc: "Not Found"}
	}
	call.Method = m.Name
	if hr.Method != http.MethodPost && hr.Method != http.MethodGet {
		s.fail("%s: HTTP method %s (the Bot API takes GET and POST)", m.Name, hr.Method)
		return nil, &apiError{code: http.StatusMethodNotAllowed, desc: "Method Not Allowed"}
	}
	r, err := parseRequest(hr, m)
	if r != nil {
		call.Params = make(map[string]string, len(r.params))
		for k, p := range r.params {
			if p.file != nil {
				call.Params[k] = p.file.name
			} else {
				call.Params[k] = p.text
			}
		}
	}
	if err != nil {
		s.fail("%s: %v", m.Name, err)
		return nil, badRequest("%v", err)
	}
	if problem := m.validate(r.params); problem != "" {
		s.fail("%s: %s", m.Name, problem)
		return nil, badRequest("%s", problem)
	}
	if inj := s.injected[strings.ToLower(m.Name)]; len(inj) > 0 {
		s.injected[strings.ToLower(m.Name)] = inj[1:]
		return nil, inj[0].apiError()
	}
	h := handlers[strings.ToLower(m.Name)]
	if h == nil {
		s.fail("%s is a valid Bot API method, but the fake does not implement it; add it to telegramtest", m.Name)
		return nil, badRequest("telegramtest does not implement %s", m.Name)
	}
	return h(s, r)
}

func (inj injection) apiError() *apiError {
	e := &apiError{code: inj.code, desc: inj.desc, retryAfter: inj.retryAfter}
	if e.desc == "" {
		switch inj.code {
		case http.StatusTooManyRequests:
			e.desc = fmt.Sprintf("Too Many Requests: retry after %d", max(inj.retryAfter, 1))
		case http.StatusForbidden:
			e.desc = "Forbidden: bot was blocked by the user"
		case http.StatusBadRequest:
			e.desc = "Bad Request"
		case http.StatusUnauthorized:
			e.desc = "Unauthorized"
		case http.StatusConflict:
			e.desc = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
		default:
			e.desc = http.StatusText(inj.code)
		}
	}
	return e
}

// parseRequest reads the parameters of a request in any encoding the Bot
// API accepts: the query string, application/x-www-form-urlencoded,
// application/json or multipart/form-data. A multipart body without its
// closing boundary is what go-telegram/bot sends for a method without
// parameters, and is accepted.
func parseRequest(hr *http.Request, m *apiMethod) (*request, error) {
	r := &request{ctx: hr.Context(), method: m, params: map[string]param{}}
	for k, vs := range hr.URL.Query() {
		r.params[k] = param{text: vs[len(vs)-1]}
	}
	ct := hr.Header.Get("Content-Type")
	if hr.Body == nil || ct == "" {
		body, _ := io.ReadAll(io.LimitReader(hr.Body, 1))
		if len(body) > 0 {
			return r, errors.New("request body without a Content-Type")
		}
		return r, nil
	}
	mt, mparams, err := mime.ParseMediaType(ct)
	if err != nil {
		return r, fmt.Errorf("bad Content-Type %q: %v", ct, err)
	}
	switch mt {
	case "application/json":
		body, err := io.ReadAll(hr.Body)
		if err != nil {
			return r, err
		}
		if len(strings.TrimSpace(string(body))) == 0 {
			return r, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return r, fmt.Errorf("JSON body is not an object: %v", err)
		}
		for k, raw := range obj {
			raw = json.RawMessage(strings.TrimSpace(string(raw)))
			if string(raw) == "null" {
				continue // the server treats null as absent
			}
			p := param{json: raw, text: string(raw)}
			if raw[0] == '"' {
				json.Unmarshal(raw, &p.text)
			}
			r.params[k] = p
		}
	case "application/x-www-form-urlencoded":
		body, err := io.ReadAll(hr.Body)
		if err != nil {
			return r, err
		}
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return r, fmt.Errorf("bad form body: %v", err)
		}
		for k, vs := range vals {
			r.params[k] = param{text: vs[len(vs)-1]}
		}
	case "multipart/form-data":
		mr := multipart.NewReader(hr.Body, mparams["boundary"])
		files := map[string]*upload{}
		for first := true; ; first = false {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				if first && errors.Is(err, io.EOF) {
					break // an empty body: no parameters
				}
				return r, fmt.Errorf("bad multipart body: %v", err)
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return r, fmt.Errorf("bad multipart body: %v", err)
			}
			name := part.FormName()
			if part.FileName() != "" {
				files[name] = &upload{name: part.FileName(), size: int64(len(data))}
				continue
			}
			r.params[name] = param{text: string(data)}
		}
		// A file part is a parameter, unless another parameter refers to it
		// as attach://<name> (InputMedia, InputSticker, thumbnails).
		for name, f := range files {
			referred := false
			for _, p := range r.params {
				if strings.Contains(p.text, "attach://"+name) {
					referred = true
					break
				}
			}
			if referred {
				if r.attachments == nil {
					r.attachments = map[string]*upload{}
				}
				r.attachments[name] = f
			} else {
				r.params[name] = param{file: f, text: f.name}
			}
		}
	default:
		return r, fmt.Errorf("unsupported Content-Type %q", mt)
	}
	return r, nil
}

// Calls returns every request handled so far, in order.
func (s *Server) Calls() []Call {
	s.lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	copy(out, s.calls)
	return out
}

// FailedCalls returns the requests answered with an error.
func (s *Server) FailedCalls() []Call {
	s.lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Status != http.StatusOK {
			out = append(out, c)
		}
	}
	return out
}

// CallbackAnswers returns every answerCallbackQuery accepted, in order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.lock()
	defer s.mu.Unlock()
	out := make([]CallbackAnswer, len(s.answers))
	copy(out, s.answers)
	return out
}

// Count429 returns how many requests were answered 429 Too Many Requests,
// by the rate limits or by Inject.
func (s *Server) Count429() int {
	s.lock()
	defer s.mu.Unlock()
	return s.count429
}

// Inject makes the next n calls of method (after they pass validation)
// fail with errorCode and description, and with parameters.retry_after if
// retryAfter > 0: 429 storms, a 403 from a blocked user, a 500. An empty
// description gets Telegram's usual text for the code. Inject panics if
// method is not a Bot API method.
func (s *Server) Inject(method string, n int, errorCode int, description string, retryAfter int) {
	if botAPI().method(method) == nil {
		panic(fmt.Sprintf("telegramtest: Inject: unknown method %q", method))
	}
	s.lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	for range n {
		s.injected[key] = append(s.injected[key], injection{code: errorCode, desc: description, retryAfter: retryAfter})
	}
}

// Wait blocks until cond returns true, checking it now and again after
// every request the fake handles and every update queued. After
// WaitTimeout it fails the test, naming what it waited for and the last
// requests. cond must not block; it may call the Server's methods. Call
// Wait from the test's goroutine.
func (s *Server) Wait(t testing.TB, what string, cond func() bool) {
	t.Helper()
	timeout := s.WaitTimeout
	if timeout <= 0 {
		timeout = DefaultWaitTimeout
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			t.Fatalf("telegramtest: timed out after %v waiting for %s; last requests:\n%s", timeout, what, s.lastCalls(10))
			return
		}
	}
}

func (s *Server) lastCalls(n int) string {
	calls := s.Calls()
	if len(calls) > n {
		calls = calls[len(calls)-n:]
	}
	if len(calls) == 0 {
		return "\t(none)"
	}
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "\t%s %v → %d\n", c.Method, c.Params, c.Status)
	}
	return b.String()
}
