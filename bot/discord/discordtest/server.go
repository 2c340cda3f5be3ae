package discordtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults used when the corresponding Server field is zero.
const (
	DefaultToken               = "discord-test-token"
	DefaultAppID               = "1200000000000000001"
	DefaultBotName             = "Samen"
	DefaultInteractionDeadline = 3 * time.Second
	DefaultWaitTimeout         = 10 * time.Second

	// TokenLifetime is how long an interaction token can be used for
	// edits and followups after the interaction was created.
	TokenLifetime = 15 * time.Minute

	apiPrefix = "/api/v9"
)

// Server is a fake Discord. Its zero value is ready for use: call Start.
// Configure it through its exported fields before Start; they must not
// change afterwards.
type Server struct {
	Token   string // the bot token expected in "Authorization: Bot <Token>"; default DefaultToken
	AppID   string // the application id, which is also the bot user's id; default DefaultAppID
	BotName string // the bot's username; default DefaultBotName

	// InteractionDeadline is how long after dispatch an interaction's
	// initial callback is accepted; a later one gets 404 {"code":10062,
	// "message":"Unknown interaction"}. Default DefaultInteractionDeadline.
	InteractionDeadline time.Duration

	// AllowPrivileged lets IDENTIFY ask for the privileged intents
	// (GUILD_MEMBERS 1<<1, GUILD_PRESENCES 1<<8, MESSAGE_CONTENT 1<<15).
	// If false, such an IDENTIFY is closed with code 4014, as Discord does
	// for a bot whose privileged intents are not enabled.
	AllowPrivileged bool

	// Now is the clock for interaction deadlines, token lifetimes, ids
	// and timestamps; default time.Now.
	Now func() time.Time

	// WaitTimeout bounds Wait, WaitResponse, WaitReply and WaitConnected;
	// default DefaultWaitTimeout.
	WaitTimeout time.Duration

	// Logf, if non-nil, receives a line for every request and gateway
	// frame the fake handles.
	Logf func(format string, args ...any)

	mu      sync.Mutex
	inited  bool
	t       testing.TB
	srv     *httptest.Server
	url     string
	wsURL   string
	closed  bool
	changed chan struct{} // closed and replaced on every change

	lastID       uint64
	guilds       map[string]*guild
	guildOrder   []string
	channels     map[string]*channel
	users        map[string]User
	dms          map[string]string // user id → DM channel id
	messages     map[string]*message
	commands     map[string][]json.RawMessage // guild id ("" for global) → registered commands
	interactions map[string]*interaction      // by id
	byToken      map[string]*interaction
	modals       map[modalKey]*shownModal
	calls        []Call
	count429     int
	injected     []injection
	forbidden    map[string]bool

	// gateway
	sessions   map[string]*session   // resumable sessions by id
	last       *session              // the newest session; Drop, CloseWith etc. act on it
	shards     map[shardKey]*session // the newest session of each shard; dispatches go there
	conns      map[*conn]bool
	identifies int
	resumes    int
	connects   int
	intents    int
	fatal      *closeCode // sticky close for every new connection
}

// Call is one REST request the fake handled.
type Call struct {
	Method string
	Path   string // the URL path, e.g. /api/v9/channels/123/messages
	Query  string // the raw query string
	Status int
	Body   string // the request body (payload_json and file names for multipart), truncated
	At     time.Time
}

type injection struct {
	prefix     string
	retryAfter time.Duration
	global     bool
}

// apiError is an unsuccessful REST answer.
type apiError struct {
	status  int
	code    int
	message string
	errors  any    // the "errors" object of a 50035
	detail  string // why, for the test failure
	fail    bool   // a malformed request: fail the test

	retryAfter time.Duration // 429
	global     bool
}

func (e *apiError) body() map[string]any {
	if e.status == http.StatusTooManyRequests {
		return map[string]any{
			"message":     "You are being rate limited.",
			"retry_after": math.Round(e.retryAfter.Seconds()*1000) / 1000,
			"global":      e.global,
		}
	}
	b := map[string]any{"code": e.code, "message": e.message}
	if e.errors != nil {
		b["errors"] = e.errors
	}
	return b
}

func notFound(code int, message string) *apiError {
	return &apiError{status: http.StatusNotFound, code: code, message: message}
}

var (
	errUnknownChannel     = func() *apiError { return notFound(10003, "Unknown Channel") }
	errUnknownMessage     = func() *apiError { return notFound(10008, "Unknown Message") }
	errUnknownWebhook     = func() *apiError { return notFound(10015, "Unknown Webhook") }
	errUnknownInteraction = func() *apiError { return notFound(10062, "Unknown interaction") }
	errUnknownUser        = func() *apiError { return notFound(10013, "Unknown User") }
	errMissingAccess      = func() *apiError {
		return &apiError{status: http.StatusForbidden, code: 50001, message: "Missing Access"}
	}
)

// badRequest is a 400 with a plain error code: a malformed request.
func badRequest(code int, message, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: message, detail: fmt.Sprintf(format, args...), fail: true}
}

// formError is Discord's 400 {"code":50035,"message":"Invalid Form Body",
// "errors":{…}} for a field at path (dot separated, e.g.
// "components.0.components.1.label").
func formError(path, errCode, format string, args ...any) *apiError {
	msg := fmt.Sprintf(format, args...)
	leaf := map[string]any{"_errors": []any{map[string]any{"code": errCode, "message": msg}}}
	var tree any = leaf
	if path != "" {
		parts := strings.Split(path, ".")
		for i := len(parts) - 1; i >= 0; i-- {
			tree = map[string]any{parts[i]: tree}
		}
	}
	where := path
	if where == "" {
		where = "body"
	}
	return &apiError{status: http.StatusBadRequest, code: 50035, message: "Invalid Form Body", errors: tree,
		detail: where + ": " + msg, fail: true}
}

// init sets up the maps; s.mu must be held.
func (s *Server) init() {
	if s.inited {
		return
	}
	s.inited = true
	s.changed = make(chan struct{})
	s.guilds = map[string]*guild{}
	s.channels = map[string]*channel{}
	s.users = map[string]User{}
	s.dms = map[string]string{}
	s.messages = map[string]*message{}
	s.commands = map[string][]json.RawMessage{}
	s.interactions = map[string]*interaction{}
	s.byToken = map[string]*interaction{}
	s.modals = map[modalKey]*shownModal{}
	s.forbidden = map[string]bool{}
	s.sessions = map[string]*session{}
	s.shards = map[shardKey]*session{}
	s.conns = map[*conn]bool{}
}

// lock locks s and makes sure it is initialised.
func (s *Server) lock() {
	s.mu.Lock()
	s.init()
}

// notify wakes every Wait; s.mu must be held.
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

func (s *Server) appID() string {
	if s.AppID == "" {
		return DefaultAppID
	}
	return s.AppID
}

func (s *Server) botName() string {
	if s.BotName == "" {
		return DefaultBotName
	}
	return s.BotName
}

func (s *Server) deadline() time.Duration {
	if s.InteractionDeadline <= 0 {
		return DefaultInteractionDeadline
	}
	return s.InteractionDeadline
}

func (s *Server) waitTimeout() time.Duration {
	if s.WaitTimeout <= 0 {
		return DefaultWaitTimeout
	}
	return s.WaitTimeout
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
// test given to Start, or panics before Start. After the test's cleanup it
// does nothing.
func (s *Server) fail(format string, args ...any) {
	msg := "discordtest: " + fmt.Sprintf(format, args...)
	if s.closed {
		return
	}
	if s.t == nil {
		panic(msg)
	}
	s.t.Errorf("%s", msg)
}

// Start starts the fake on a local port and returns its base URL (the
// http://127.0.0.1:PORT that Client rewrites https://discord.com to). It
// fills in the defaults of Token, AppID and BotName. The server and every
// gateway connection are closed when the test ends; close discordgo
// sessions before that (register their Close with t.Cleanup after Start).
// Invalid requests fail t.
func (s *Server) Start(t testing.TB) string {
	t.Helper()
	s.lock()
	if s.srv != nil {
		s.mu.Unlock()
		t.Fatalf("discordtest: Start called twice")
		return ""
	}
	s.Token, s.AppID, s.BotName = s.token(), s.appID(), s.botName()
	s.t = t
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.url = s.srv.URL
	s.wsURL = "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/ws"
	s.mu.Unlock()
	t.Cleanup(s.shutdown)
	return s.url
}

func (s *Server) shutdown() {
	s.lock()
	s.closed = true
	var conns []*conn
	for c := range s.conns {
		c.serverClosed = true
		c.done = true
		c.cond.Broadcast()
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
	s.srv.Close()
}

// URL returns the URL Start returned.
func (s *Server) URL() string {
	s.lock()
	defer s.mu.Unlock()
	if s.url == "" {
		panic("discordtest: URL called before Start")
	}
	return s.url
}

// GatewayURL returns the websocket URL GET /api/v9/gateway answers.
func (s *Server) GatewayURL() string {
	s.lock()
	defer s.mu.Unlock()
	if s.url == "" {
		panic("discordtest: GatewayURL called before Start")
	}
	return s.wsURL
}

// Client returns an HTTP client that sends every request, whatever its
// scheme and host (discordgo uses https://discord.com), to the fake. Set
// it as discordgo.Session.Client. Call it after Start.
func (s *Server) Client() *http.Client {
	target, err := url.Parse(s.URL())
	if err != nil {
		panic(err)
	}
	return &http.Client{Transport: &rewriter{target: target}, Timeout: 20 * time.Second}
}

type rewriter struct {
	target *url.URL
	base   http.RoundTripper
}

func (rw *rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.URL.Scheme = rw.target.Scheme
	r.URL.Host = rw.target.Host
	r.Host = rw.target.Host
	base := rw.base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

// request is a parsed REST request.
type request struct {
	hr     *http.Request
	vars   map[string]string // path variables
	query  url.Values
	body   []byte // the JSON body, or payload_json of a multipart body
	files  []upload
	isJSON bool // body holds JSON
}

type upload struct {
	field, name, contentType string
	size                     int64
}

// handler serves one route with s.mu held. A nil result with a nil error
// is 204 No Content.
type handler func(s *Server, r *request) (any, *apiError)

type route struct {
	method  string
	pattern []string
	h       handler
	noAuth  bool // interaction callbacks and webhooks: the token is in the URL
	public  bool // GET /gateway: no Authorization needed, none checked
}

var routes []route

func init() {
	add := func(method, pattern string, h handler) {
		routes = append(routes, route{method: method, pattern: strings.Split(pattern, "/"), h: h})
	}
	addNoAuth := func(method, pattern string, h handler) {
		routes = append(routes, route{method: method, pattern: strings.Split(pattern, "/"), h: h, noAuth: true})
	}
	routes = append(routes, route{method: "GET", pattern: []string{"gateway"}, h: (*Server).getGateway, public: true})
	add("GET", "gateway/bot", (*Server).getGatewayBot)
	add("GET", "users/@me", (*Server).getMe)
	add("POST", "users/@me/channels", (*Server).createDM)
	add("GET", "users/{user}", (*Server).getUser)
	add("GET", "applications/{app}/commands", (*Server).getCommands)
	add("PUT", "applications/{app}/commands", (*Server).putCommands)
	add("GET", "applications/{app}/guilds/{guild}/commands", (*Server).getCommands)
	add("PUT", "applications/{app}/guilds/{guild}/commands", (*Server).putCommands)
	addNoAuth("POST", "interactions/{id}/{token}/callback", (*Server).callback)
	addNoAuth("GET", "webhooks/{app}/{token}/messages/{message}", (*Server).getWebhookMessage)
	addNoAuth("PATCH", "webhooks/{app}/{token}/messages/{message}", (*Server).editWebhookMessage)
	addNoAuth("DELETE", "webhooks/{app}/{token}/messages/{message}", (*Server).deleteWebhookMessage)
	addNoAuth("POST", "webhooks/{app}/{token}", (*Server).followup)
	add("GET", "channels/{channel}", (*Server).getChannel)
	add("GET", "channels/{channel}/messages", (*Server).listMessages)
	add("POST", "channels/{channel}/messages", (*Server).sendMessage)
	add("GET", "channels/{channel}/messages/{message}", (*Server).getMessage)
	add("PATCH", "channels/{channel}/messages/{message}", (*Server).editMessage)
	add("DELETE", "channels/{channel}/messages/{message}", (*Server).deleteMessage)
	add("POST", "channels/{channel}/messages/{message}/threads", (*Server).threadFromMessage)
	add("POST", "channels/{channel}/threads", (*Server).threadWithoutMessage)
}

// match finds the route for method and the path below /api/v9/.
func match(method string, segs []string) (*route, map[string]string) {
	for i := range routes {
		rt := &routes[i]
		if rt.method != method || len(rt.pattern) != len(segs) {
			continue
		}
		vars := map[string]string{}
		ok := true
		for j, p := range rt.pattern {
			if strings.HasPrefix(p, "{") {
				if segs[j] == "" {
					ok = false
					break
				}
				vars[strings.Trim(p, "{}")] = segs[j]
			} else if p != segs[j] {
				ok = false
				break
			}
		}
		if ok {
			return rt, vars
		}
	}
	return nil, nil
}

func (s *Server) serveHTTP(w http.ResponseWriter, hr *http.Request) {
	if hr.URL.Path == "/ws" || strings.HasPrefix(hr.URL.Path, "/ws/") {
		s.serveWS(w, hr)
		return
	}
	raw, _ := io.ReadAll(hr.Body)

	s.lock()
	call := Call{Method: hr.Method, Path: hr.URL.Path, Query: hr.URL.RawQuery, At: s.now()}
	result, aerr, bucket := s.serveREST(hr, raw, &call)
	status := http.StatusOK
	if aerr != nil {
		status = aerr.status
		if aerr.status == http.StatusTooManyRequests {
			s.count429++
		}
		if aerr.fail {
			s.fail("%s %s: %d %s: %s", hr.Method, hr.URL.Path, aerr.code, aerr.message, aerr.detail)
		}
	} else if result == nil {
		status = http.StatusNoContent
	}
	call.Status = status
	s.calls = append(s.calls, call)
	s.logf("discordtest: %s %s → %d", hr.Method, hr.URL.RequestURI(), status)
	s.notify()
	s.mu.Unlock()

	h := w.Header()
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	h.Set("X-RateLimit-Bucket", bucket)
	var body []byte
	if aerr != nil && aerr.status == http.StatusTooManyRequests {
		secs := strconv.FormatFloat(aerr.retryAfter.Seconds(), 'f', 3, 64)
		h.Set("X-RateLimit-Limit", "5")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset-After", secs)
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(aerr.retryAfter).UnixMilli())/1000, 'f', 3, 64))
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(aerr.retryAfter.Seconds()))))
		if aerr.global {
			h.Set("X-RateLimit-Global", "true")
			h.Set("X-RateLimit-Scope", "global")
		} else {
			h.Set("X-RateLimit-Scope", "user")
		}
	} else {
		h.Set("X-RateLimit-Limit", "5")
		h.Set("X-RateLimit-Remaining", "4")
		h.Set("X-RateLimit-Reset-After", "0.010")
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(10*time.Millisecond).UnixMilli())/1000, 'f', 3, 64))
	}
	switch {
	case aerr != nil:
		body, _ = json.Marshal(aerr.body())
	case result != nil:
		var err error
		body, err = json.Marshal(result)
		if err != nil {
			s.lock()
			s.fail("%s %s: encoding the answer: %v", hr.Method, hr.URL.Path, err)
			s.mu.Unlock()
		}
	}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	w.Write(body)
}

// serveREST handles one request with s.mu held. It returns the result or
// the error, and the rate-limit bucket name.
func (s *Server) serveREST(hr *http.Request, raw []byte, call *Call) (any, *apiError, string) {
	call.Body = truncate(string(raw), 2000)
	rest, ok := strings.CutPrefix(hr.URL.Path, apiPrefix+"/")
	var rt *route
	var vars map[string]string
	if ok {
		rt, vars = match(hr.Method, strings.Split(rest, "/"))
	}
	if rt == nil {
		s.fail("unknown route %s %s", hr.Method, hr.URL.Path)
		return nil, &apiError{status: http.StatusNotFound, code: 0, message: "404: Not Found"}, "unknown"
	}
	bucket := bucketName(hr.Method, rt, vars)

	auth := hr.Header.Get("Authorization")
	if !rt.public && (auth != "" || !rt.noAuth) && auth != "Bot "+s.token() {
		return nil, &apiError{status: http.StatusUnauthorized, code: 0, message: "401: Unauthorized"}, bucket
	}

	r := &request{hr: hr, vars: vars, query: hr.URL.Query()}
	if aerr := s.parseBody(r, raw, call); aerr != nil {
		return nil, aerr, bucket
	}

	if ch := vars["channel"]; ch != "" && s.forbidden[ch] {
		return nil, errMissingAccess(), bucket
	}
	for i, inj := range s.injected {
		if strings.HasPrefix(rest, inj.prefix) {
			s.injected = append(s.injected[:i:i], s.injected[i+1:]...)
			return nil, &apiError{status: http.StatusTooManyRequests, retryAfter: inj.retryAfter, global: inj.global}, bucket
		}
	}
	result, aerr := rt.h(s, r)
	return result, aerr, bucket
}

// parseBody reads a JSON or multipart/form-data body into r.
func (s *Server) parseBody(r *request, raw []byte, call *Call) *apiError {
	if len(raw) == 0 {
		return nil
	}
	ct := r.hr.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil && ct != "" {
		return badRequest(50035, "Invalid Form Body", "bad Content-Type %q: %v", ct, err)
	}
	switch mt {
	case "application/json", "":
		if !json.Valid(raw) {
			return badRequest(50109, "The request body contains invalid JSON.", "invalid JSON: %s", truncate(string(raw), 200))
		}
		r.body, r.isJSON = raw, true
	case "multipart/form-data":
		if params["boundary"] == "" {
			return badRequest(50035, "Invalid Form Body", "multipart body without a boundary")
		}
		if aerr := parseMultipart(r, raw, params["boundary"]); aerr != nil {
			return aerr
		}
		var parts []string
		if r.body != nil {
			parts = append(parts, "payload_json="+string(r.body))
		}
		for _, f := range r.files {
			parts = append(parts, fmt.Sprintf("%s=%s (%d bytes)", f.field, f.name, f.size))
		}
		call.Body = truncate(strings.Join(parts, "; "), 2000)
	default:
		return badRequest(50035, "Invalid Form Body", "unsupported Content-Type %q", ct)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

func bucketName(method string, rt *route, vars map[string]string) string {
	h := fnv.New64a()
	io.WriteString(h, method+" "+strings.Join(rt.pattern, "/"))
	for _, major := range []string{"channel", "guild", "token"} {
		io.WriteString(h, "|"+vars[major])
	}
	return strconv.FormatUint(h.Sum64(), 16)
}

// Calls returns every REST request handled so far, in order.
func (s *Server) Calls() []Call {
	s.lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Count429 returns how many requests were answered 429.
func (s *Server) Count429() int {
	s.lock()
	defer s.mu.Unlock()
	return s.count429
}

// Inject429 makes the next n requests whose path starts with pathPrefix
// (with or without the /api/v9 prefix, e.g. "/channels/123/messages") fail
// with 429 {"message":"You are being rate limited.","retry_after":<seconds>,
// "global":<global>} and the headers X-RateLimit-Remaining: 0,
// X-RateLimit-Reset-After, X-RateLimit-Scope (user or global), Retry-After
// and, if global, X-RateLimit-Global. Requests to an unknown route or
// without the token fail before the injection is consumed.
func (s *Server) Inject429(pathPrefix string, n int, retryAfter time.Duration, global bool) {
	p := strings.TrimPrefix(pathPrefix, apiPrefix)
	p = strings.TrimPrefix(p, "/")
	s.lock()
	defer s.mu.Unlock()
	for range n {
		s.injected = append(s.injected, injection{prefix: p, retryAfter: retryAfter, global: global})
	}
}

// Forbid makes every further request to the channel (sending, editing,
// reading) fail with 403 {"code":50001,"message":"Missing Access"}, as for
// a channel the bot lost access to.
func (s *Server) Forbid(channelID string) {
	s.lock()
	defer s.mu.Unlock()
	if s.channels[channelID] == nil {
		s.fail("Forbid: unknown channel %s", channelID)
	}
	s.forbidden[channelID] = true
}

// Wait blocks until cond returns true, checking it now, after every change
// in the fake and every few milliseconds. After WaitTimeout it fails the
// test with t.Fatalf, naming what it waited for and the last requests.
// cond is called without any lock held; it may call the Server's methods.
// Call Wait from the test's goroutine.
func (s *Server) Wait(t testing.TB, what string, cond func() bool) {
	t.Helper()
	timeout := s.waitTimeout()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		s.lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		if !time.Now().Before(deadline) {
			t.Fatalf("discordtest: timed out after %v waiting for %s; last requests:\n%s", timeout, what, s.lastCalls(10))
			return
		}
		select {
		case <-changed:
		case <-tick.C:
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
		fmt.Fprintf(&b, "\t%s %s → %d %s\n", c.Method, c.Path, c.Status, truncate(c.Body, 200))
	}
	return b.String()
}

// decodeJSON decodes the request body into v; a type mismatch is a 50035.
func decodeJSON(r *request, v any) *apiError {
	if len(r.body) == 0 {
		return badRequest(50035, "Invalid Form Body", "empty body")
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return formError(te.Field, "BASE_TYPE_BAD_TYPE", "wrong type: %v", err)
		}
		return badRequest(50109, "The request body contains invalid JSON.", "%v", err)
	}
	return nil
}
