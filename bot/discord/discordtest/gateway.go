package discordtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// HeartbeatInterval is the heartbeat_interval HELLO announces, in ms.
const HeartbeatInterval = 45000

// session is a gateway session: what IDENTIFY created and RESUME continues.
type session struct {
	id        string
	seq       int64   // the last sequence number used
	log       []frame // every dispatch, for replay on RESUME
	conn      *conn   // nil while disconnected
	intents   int
	resumable bool
	shard     shardKey // [shard_id, num_shards] of its IDENTIFY
}

type frame struct {
	seq  int64
	data []byte
}

type closeCode struct {
	code   int
	reason string
}

// conn is one websocket connection. Frames to send are queued under s.mu
// and written, in order, by the connection's writer goroutine.
type conn struct {
	ws           *websocket.Conn
	cond         *sync.Cond // on s.mu: signals out, closing and done
	out          [][]byte
	closing      *closeCode // a close frame to send after out
	done         bool       // the writer must stop
	serverClosed bool       // the fake dropped or closed it; ignore what the client still sends
	session      *session
}

var upgrader = websocket.Upgrader{
	CheckOrigin: func(*http.Request) bool { return true },
}

// nonResumable are the close codes after which Discord does not let the
// client back in; after CloseWith one of these, every new connection is
// closed the same way.
var nonResumable = map[int]bool{4004: true, 4010: true, 4011: true, 4012: true, 4013: true, 4014: true}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("discordtest: " + err.Error())
	}
	return b
}

// enqueue queues a frame on c; s.mu must be held.
func (c *conn) enqueue(b []byte) {
	if c.done || c.closing != nil {
		return
	}
	c.out = append(c.out, b)
	c.cond.Broadcast()
}

// closeWith queues a close frame on c and detaches it from its session;
// s.mu must be held.
func (s *Server) closeWith(c *conn, code int, reason string) {
	s.logf("discordtest: gateway: closing with %d %s", code, reason)
	c.serverClosed = true
	if c.closing == nil && !c.done {
		c.closing = &closeCode{code, reason}
	}
	s.detach(c)
	c.cond.Broadcast()
	s.notify()
}

func (s *Server) detach(c *conn) {
	if c.session != nil && c.session.conn == c {
		c.session.conn = nil
	}
}

func (s *Server) writer(c *conn) {
	for {
		s.mu.Lock()
		for len(c.out) == 0 && c.closing == nil && !c.done {
			c.cond.Wait()
		}
		if c.done {
			s.mu.Unlock()
			return
		}
		out, cl := c.out, c.closing
		c.out = nil
		s.mu.Unlock()

		for _, b := range out {
			c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				s.lock()
				c.done = true
				s.detach(c)
				s.notify()
				s.mu.Unlock()
				c.ws.Close()
				return
			}
		}
		if cl != nil {
			c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(cl.code, cl.reason))
			// The client answers with its own close frame or just goes;
			// the reader ends either way.
			c.ws.SetReadDeadline(time.Now().Add(time.Second))
			s.lock()
			c.done = true
			s.mu.Unlock()
			return
		}
	}
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.URL.Path != "/ws/" {
		s.lock()
		s.fail("gateway: websocket on %s; discordgo dials the URL from GET /gateway with a / appended", r.URL.Path)
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	if v := q.Get("v"); v != "9" && v != "10" {
		s.lock()
		s.fail("gateway: version v=%q (want 9 or 10)", v)
		s.mu.Unlock()
	}
	if e := q.Get("encoding"); e != "json" {
		s.lock()
		s.fail("gateway: encoding=%q (the fake speaks json only)", e)
		s.mu.Unlock()
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.lock()
		s.fail("gateway: upgrade: %v", err)
		s.mu.Unlock()
		return
	}
	ws.SetReadLimit(1 << 20)
	c := &conn{ws: ws}
	s.lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	c.cond = sync.NewCond(&s.mu)
	s.conns[c] = true
	s.connects++
	c.enqueue(mustJSON(map[string]any{"op": 10, "s": nil, "t": nil, "d": map[string]any{"heartbeat_interval": HeartbeatInterval}}))
	s.notify()
	s.mu.Unlock()
	go s.writer(c)

	defer func() {
		ws.Close()
		s.lock()
		c.done = true
		c.cond.Broadcast()
		s.detach(c)
		delete(s.conns, c)
		s.notify()
		s.mu.Unlock()
	}()
	for {
		mt, data, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				s.lock()
				s.clientClosed(c, ce.Code)
				s.mu.Unlock()
			}
			return
		}
		s.lock()
		s.handleOp(c, mt, data)
		s.mu.Unlock()
	}
}

// clientClosed handles a close frame from the client: like Discord, a
// close with 1000 or 1001 ends the session, so it cannot be resumed.
func (s *Server) clientClosed(c *conn, code int) {
	s.logf("discordtest: gateway: client closed with %d", code)
	if c.serverClosed || c.session == nil {
		return
	}
	if code == websocket.CloseNormalClosure || code == websocket.CloseGoingAway {
		c.session.resumable = false
		delete(s.sessions, c.session.id)
	}
	s.detach(c)
	c.serverClosed = true
	s.notify()
}

type gatewayPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
}

// handleOp handles one frame from the client; s.mu is held.
func (s *Server) handleOp(c *conn, mt int, data []byte) {
	if c.serverClosed {
		return
	}
	if mt != websocket.TextMessage {
		s.fail("gateway: a binary frame from the client (the fake expects JSON text frames)")
		s.closeWith(c, 4002, "Error while decoding payload.")
		return
	}
	var p gatewayPayload
	if err := json.Unmarshal(data, &p); err != nil {
		s.fail("gateway: undecodable frame %q: %v", truncate(string(data), 200), err)
		s.closeWith(c, 4002, "Error while decoding payload.")
		return
	}
	s.logf("discordtest: gateway: ← op %d %s", p.Op, truncate(string(p.D), 200))
	switch p.Op {
	case 1: // heartbeat
		c.enqueue([]byte(`{"op":11,"s":null,"t":null,"d":null}`))
	case 2:
		s.identify(c, p.D)
	case 6:
		s.resume(c, p.D)
	case 3, 4, 8, 31: // presence update, voice state update, request guild members, request soundboard sounds
		if c.session == nil {
			s.closeWith(c, 4003, "Not authenticated.")
		}
	default:
		s.fail("gateway: unknown opcode %d from the client", p.Op)
		s.closeWith(c, 4001, "Unknown opcode.")
	}
	s.notify()
}

func (s *Server) tokenOK(tok string) bool {
	return tok == s.token() || tok == "Bot "+s.token()
}

func (s *Server) identify(c *conn, d json.RawMessage) {
	s.identifies++
	var id struct {
		Token      string         `json:"token"`
		Intents    *int           `json:"intents"`
		Properties map[string]any `json:"properties"`
		Shard      *shardKey      `json:"shard"`
	}
	if err := json.Unmarshal(d, &id); err != nil {
		s.fail("gateway: IDENTIFY %s: %v", truncate(string(d), 200), err)
		s.closeWith(c, 4002, "Error while decoding payload.")
		return
	}
	if s.fatal != nil {
		s.closeWith(c, s.fatal.code, s.fatal.reason)
		return
	}
	if c.session != nil {
		s.closeWith(c, 4005, "Already authenticated.")
		return
	}
	if !s.tokenOK(id.Token) {
		s.closeWith(c, 4004, "Authentication failed.")
		return
	}
	if id.Intents == nil || *id.Intents&^validIntents != 0 {
		s.fail("gateway: IDENTIFY without valid intents: %s", truncate(string(d), 200))
		s.closeWith(c, 4013, "Invalid intent(s).")
		return
	}
	intents := *id.Intents
	s.intents = intents
	if intents&privilegedIntents != 0 && !s.AllowPrivileged {
		s.closeWith(c, 4014, "Disallowed intent(s).")
		return
	}
	shard := shardKey{0, 1}
	if id.Shard != nil {
		shard = *id.Shard
	}
	if !validShard(shard) {
		s.closeWith(c, 4010, "Invalid shard.")
		return
	}
	sess := &session{id: randomHex(16), seq: 1, intents: intents, resumable: true, conn: c, shard: shard}
	s.sessions[sess.id] = sess
	s.last = sess
	s.shards[shard] = sess
	c.session = sess
	var guilds []any
	for _, gid := range s.guildOrder {
		if shard.owns(gid) {
			guilds = append(guilds, map[string]any{"id": gid, "unavailable": true})
		}
	}
	ready := map[string]any{
		"v": 9, "user": s.botUserJSON(), "guilds": nonNil(guilds), "session_id": sess.id,
		"resume_gateway_url": s.wsURL, "shard": shard, "session_type": "normal",
		"application":      map[string]any{"id": s.appID(), "flags": 0},
		"private_channels": []any{}, "relationships": []any{}, "presences": []any{},
		"guild_join_requests": []any{}, "geo_ordered_rtc_regions": []any{}, "user_settings": map[string]any{},
		"auth": map[string]any{},
	}
	c.enqueue(mustJSON(map[string]any{"op": 0, "s": 1, "t": "READY", "d": ready}))
	if intents&intentGuilds != 0 {
		for _, gid := range s.guildOrder {
			if shard.owns(gid) {
				s.dispatchLocked(sess, "GUILD_CREATE", s.guildCreateJSON(s.guilds[gid]))
			}
		}
	}
}

func (s *Server) resume(c *conn, d json.RawMessage) {
	s.resumes++
	var rp struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(d, &rp); err != nil {
		s.fail("gateway: RESUME %s: %v", truncate(string(d), 200), err)
		s.closeWith(c, 4002, "Error while decoding payload.")
		return
	}
	if s.fatal != nil {
		s.closeWith(c, s.fatal.code, s.fatal.reason)
		return
	}
	if c.session != nil {
		s.closeWith(c, 4005, "Already authenticated.")
		return
	}
	if !s.tokenOK(rp.Token) {
		s.closeWith(c, 4004, "Authentication failed.")
		return
	}
	sess := s.sessions[rp.SessionID]
	if sess == nil || !sess.resumable {
		c.enqueue([]byte(`{"op":9,"s":null,"t":null,"d":false}`))
		return
	}
	if rp.Seq > sess.seq || rp.Seq < 0 {
		sess.resumable = false
		delete(s.sessions, sess.id)
		s.closeWith(c, 4007, "Invalid seq.")
		return
	}
	if old := sess.conn; old != nil && old != c {
		s.closeWith(old, 4000, "Session resumed elsewhere.")
	}
	c.session = sess
	sess.conn = c
	for _, f := range sess.log {
		if f.seq > rp.Seq {
			c.enqueue(f.data)
		}
	}
	sess.seq++
	c.enqueue(mustJSON(map[string]any{"op": 0, "s": sess.seq, "t": "RESUMED", "d": map[string]any{}}))
}

// dispatchLocked sends an event in sess: at once if it is connected, else
// kept for a RESUME. s.mu must be held.
func (s *Server) dispatchLocked(sess *session, event string, d any) {
	sess.seq++
	b := mustJSON(map[string]any{"op": 0, "s": sess.seq, "t": event, "d": d})
	sess.log = append(sess.log, frame{seq: sess.seq, data: b})
	s.logf("discordtest: gateway: → %s s=%d (connected %v)", event, sess.seq, sess.conn != nil)
	if sess.conn != nil {
		sess.conn.enqueue(b)
	}
	s.notify()
}

// Dispatch sends any event (op 0, t eventName, d as JSON) to the bot's
// current gateway session of the shard that owns the event's guild
// (d.guild_id, or d.id of a GUILD_CREATE/UPDATE/DELETE; shard 0 without
// one): written at once while it is connected, kept for a RESUME while it
// is not (and lost if the bot identifies anew). Dispatch before the bot's
// first IDENTIFY fails the test.
func (s *Server) Dispatch(eventName string, d any) {
	s.lock()
	defer s.mu.Unlock()
	s.dispatchGuild(guildOfEvent(eventName, d), eventName, d)
}

// Drop closes the current websocket connection abruptly, without a close
// frame, as a network failure would. The session stays resumable: events
// dispatched until the client comes back are replayed on its RESUME.
func (s *Server) Drop() {
	s.lock()
	if s.last == nil || s.last.conn == nil {
		s.fail("Drop: the bot is not connected")
		s.mu.Unlock()
		return
	}
	c := s.last.conn
	c.serverClosed = true
	c.done = true
	s.detach(c)
	c.cond.Broadcast()
	s.notify()
	s.mu.Unlock()
	c.ws.Close()
}

// InvalidateSessions forgets every session id: the next RESUME is answered
// with op 9 INVALID_SESSION (d false), and the client identifies anew.
// The current connection, if any, keeps working.
func (s *Server) InvalidateSessions() {
	s.lock()
	defer s.mu.Unlock()
	for id, sess := range s.sessions {
		sess.resumable = false
		delete(s.sessions, id)
	}
	s.notify()
}

// RequestReconnect sends op 7 RECONNECT on the current connection.
func (s *Server) RequestReconnect() {
	s.lock()
	defer s.mu.Unlock()
	if s.last == nil || s.last.conn == nil {
		s.fail("RequestReconnect: the bot is not connected")
		return
	}
	s.last.conn.enqueue([]byte(`{"op":7,"s":null,"t":null,"d":null}`))
}

// CloseWith closes the current connection with a close frame carrying
// code and reason. After 4007 (invalid seq) or 4009 (session timed out)
// the session cannot be resumed. After a code Discord does not let a
// client reconnect from (4004, 4010–4014), every later connection is
// closed the same way after its IDENTIFY or RESUME, so a client that keeps
// trying shows in Identifies and Resumes.
func (s *Server) CloseWith(code int, reason string) {
	s.lock()
	defer s.mu.Unlock()
	if s.last == nil || s.last.conn == nil {
		s.fail("CloseWith: the bot is not connected")
		return
	}
	sess := s.last
	if code == 4007 || code == 4009 {
		sess.resumable = false
		delete(s.sessions, sess.id)
	}
	if nonResumable[code] {
		s.fatal = &closeCode{code, reason}
	}
	s.closeWith(sess.conn, code, reason)
}

// Connected reports whether the bot's current session has a live
// connection (READY or RESUMED was sent on it).
func (s *Server) Connected() bool {
	s.lock()
	defer s.mu.Unlock()
	return s.last != nil && s.last.conn != nil
}

// WaitConnected waits until Connected.
func (s *Server) WaitConnected(t testing.TB) {
	t.Helper()
	s.Wait(t, "the bot's gateway connection", s.Connected)
}

// Identifies returns how many IDENTIFY (op 2) frames the fake received.
func (s *Server) Identifies() int {
	s.lock()
	defer s.mu.Unlock()
	return s.identifies
}

// Resumes returns how many RESUME (op 6) frames the fake received.
func (s *Server) Resumes() int {
	s.lock()
	defer s.mu.Unlock()
	return s.resumes
}

// Connects returns how many websocket connections the fake accepted.
func (s *Server) Connects() int {
	s.lock()
	defer s.mu.Unlock()
	return s.connects
}

// Intents returns the intents of the last IDENTIFY.
func (s *Server) Intents() int {
	s.lock()
	defer s.mu.Unlock()
	return s.intents
}

// SessionID returns the id of the current gateway session, or "".
func (s *Server) SessionID() string {
	s.lock()
	defer s.mu.Unlock()
	if s.last == nil {
		return ""
	}
	return s.last.id
}

func (s *Server) getGateway(r *request) (any, *apiError) {
	return map[string]any{"url": s.wsURL}, nil
}

func (s *Server) getGatewayBot(r *request) (any, *apiError) {
	return map[string]any{
		"url": s.wsURL, "shards": 1,
		"session_start_limit": map[string]any{"total": 1000, "remaining": 1000 - s.identifies, "reset_after": 86400000, "max_concurrency": 1},
	}, nil
}

// Redeliver dispatches again the last event of the current session whose
// d.id is id (an INTERACTION_CREATE by its interaction id and token, a
// MESSAGE_CREATE by its message id), as a new event with the next sequence
// number: what a bot sees when Discord delivers an event twice, as it may
// after a RESUME. While the bot is disconnected the copy is kept for its
// RESUME, like any dispatch. An id with no event fails the test.
func (s *Server) Redeliver(id string) {
	s.lock()
	defer s.mu.Unlock()
	if s.last == nil {
		s.fail("Redeliver before the bot identified on the gateway")
		return
	}
	for i := len(s.last.log) - 1; i >= 0; i-- {
		var f struct {
			T string          `json:"t"`
			D json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(s.last.log[i].data, &f); err != nil {
			continue
		}
		var d struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(f.D, &d) == nil && d.ID == id {
			s.dispatchLocked(s.last, f.T, f.D)
			return
		}
	}
	s.fail("Redeliver: no event with id %s in the current session", id)
}
