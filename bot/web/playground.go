package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/samen-bot/samen/bot"
	"github.com/samen-bot/samen/flows"
)

// Platform is the prefix of the playground's chat and user ids.
const Platform = "web"

// Core is what the playground needs of the bot core.
type Core interface {
	Handle(ctx context.Context, u *bot.Update) (*bot.Reply, error)
	// ButtonKey signs button data.
	ButtonKey() []byte
	Renderer() *bot.Renderer
	// PersonalLanguage is the language u chose (/lang), or "": the page
	// is in the language of the person it shows the chats of.
	PersonalLanguage(ctx context.Context, u flows.UserID) string
}

// Options configures a Playground; the zero value is usable.
type Options struct {
	// Flush sends what the core queued, after each action (a sender's
	// FlushAll, so that a POST returns once everything it caused is
	// shown). Default: nothing (a running Sender is woken by the core's
	// Outboxed instead).
	Flush func(ctx context.Context) error
	// People and Rooms are there from the start (display names), besides
	// those the store remembers. Default: one person, "Gespreksleider",
	// and two rooms.
	People, Rooms []string
	Logger        *slog.Logger
}

// Playground is the web platform: people, rooms, the messages of every
// chat, and the bot's transport for "web".
type Playground struct {
	core   Core
	store  bot.Indexes
	codec  bot.ButtonCodec
	opts   Options
	logger *slog.Logger
	// nonce makes update keys unique across restarts (the core keeps them
	// to drop redeliveries).
	nonce string

	flushMu sync.Mutex

	mu      sync.Mutex
	people  []entity
	rooms   []entity
	chats   map[string]*chatLog // by chat id ("web:x")
	forms   map[string]*pendingForm
	nextID  int
	nextKey int
}

// entity is a person or a room: an id part and the name shown.
type entity struct{ ID, Name string }

// chatLog is one chat's messages, with a version that changes on every
// append or edit (for polling).
type chatLog struct {
	version  int
	messages []*Message
}

// Message is one message in a chat, as the page shows it.
type Message struct {
	ID string `json:"id"`
	// From is the person's name; empty for the bot.
	From    string     `json:"from,omitempty"`
	Text    bot.Rich   `json:"text"`
	Buttons [][]Button `json:"buttons,omitempty"`
	Edited  bool       `json:"edited,omitempty"`
	// Ref names what a bot message is ("round/3/…"): a reply to it is an
	// answer to that round.
	Ref  string    `json:"ref,omitempty"`
	File *bot.File `json:"-"`
	// FileName is the attachment's name, if any.
	FileName string `json:"file,omitempty"`
}

// Button is a button as the page posts it back: its label and the signed
// data of its intent.
type Button struct {
	Label string `json:"label"`
	Data  string `json:"data"`
}

// pendingForm is a form the bot asked a person to fill in, shown until
// submitted or another form replaces it.
type pendingForm struct {
	Chat string    `json:"chat"`
	Data string    `json:"data"`
	Form *bot.Form `json:"form"`
}

// New returns a playground for core. store keeps the people and rooms
// (the messages live in memory).
func New(core Core, store bot.Indexes, opts Options) (*Playground, error) {
	if core == nil || store == nil {
		return nil, errors.New("web: a playground needs a core and a store")
	}
	var n [8]byte
	if _, err := rand.Read(n[:]); err != nil {
		return nil, err
	}
	p := &Playground{
		core: core, store: store, opts: opts, logger: opts.Logger,
		codec: bot.ButtonCodec{Key: core.ButtonKey()},
		nonce: hex.EncodeToString(n[:]),
		chats: map[string]*chatLog{}, forms: map[string]*pendingForm{},
	}
	if p.logger == nil {
		p.logger = slog.New(slog.DiscardHandler)
	}
	ctx := context.Background()
	people, rooms := opts.People, opts.Rooms
	if people == nil && rooms == nil {
		people, rooms = []string{"Gespreksleider"}, []string{"Groep 1", "Groep 2"}
	}
	// The configured people and rooms come first, in their order (the
	// first person is who the page opens as); those added on the page
	// follow, as the store keeps them (by id).
	for _, name := range people {
		if _, err := p.Add(ctx, kindPerson, name); err != nil {
			return nil, err
		}
	}
	for _, name := range rooms {
		if _, err := p.Add(ctx, kindRoom, name); err != nil {
			return nil, err
		}
	}
	for _, kind := range []string{kindPerson, kindRoom} {
		stored, err := store.SetMembers(ctx, setKey(kind))
		if err != nil {
			return nil, fmt.Errorf("web: read the %ss: %w", kind, err)
		}
		slices.Sort(stored)
		for _, v := range stored {
			id, name, _ := strings.Cut(v, " ")
			p.remember(kind, entity{id, name})
		}
	}
	return p, nil
}

// errBadName is a name of a new person or room that is empty or longer
// than 40 characters.
var errBadName = errors.New("web: a name has 1 to 40 characters")

const (
	kindPerson = "person"
	kindRoom   = "room"
)

func setKey(kind string) string { return "web:" + kind + "s" }

// remember adds e to the people or rooms unless its id is taken.
func (p *Playground) remember(kind string, e entity) bool {
	if e.ID == "" || p.taken(e.ID) {
		return false
	}
	if kind == kindPerson {
		p.people = append(p.people, e)
	} else {
		p.rooms = append(p.rooms, e)
	}
	return true
}

func (p *Playground) taken(id string) bool {
	for _, e := range append(slices.Clip(p.people), p.rooms...) {
		if e.ID == id {
			return true
		}
	}
	return false
}

// Add adds a person or a room (kind "person" or "room") by the name shown
// and returns its id part; a name already there returns the existing one.
func (p *Playground) Add(ctx context.Context, kind, name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || len([]rune(name)) > 40 {
		return "", errBadName
	}
	p.mu.Lock()
	list := p.people
	if kind == kindRoom {
		list = p.rooms
	}
	for _, e := range list {
		if e.Name == name {
			p.mu.Unlock()
			return e.ID, nil
		}
	}
	base := slug(name)
	id := base
	for i := 2; p.taken(id); i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	p.remember(kind, entity{id, name})
	p.mu.Unlock()
	if err := p.store.AddToSet(ctx, setKey(kind), id+" "+name); err != nil {
		return "", fmt.Errorf("web: remember %s: %w", kind, err)
	}
	return id, nil
}

// slug makes an id part of a name: lower-case letters and digits, with
// dashes between.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

func (p *Playground) person(id string) (entity, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.people {
		if e.ID == id {
			return e, true
		}
	}
	return entity{}, false
}

func (p *Playground) room(id string) (entity, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.rooms {
		if e.ID == id {
			return e, true
		}
	}
	return entity{}, false
}

// Deliver is the web platform receiving an outbound message: a new
// message in a room or a person's private chat, or an edit of one.
func (p *Playground) Deliver(_ context.Context, m bot.OutMessage) (string, error) {
	chat := m.Chat
	if m.User != "" {
		chat = m.User
	}
	if !strings.HasPrefix(chat, Platform+":") {
		return "", fmt.Errorf("not a web chat: %q: %w", chat, bot.ErrUndeliverable)
	}
	buttons, err := p.buttons(m.Buttons)
	if err != nil {
		return "", fmt.Errorf("%w: %v", bot.ErrUndeliverable, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if m.EditID != "" {
		if old := p.find(chat, m.EditID); old != nil && old.From == "" {
			old.Text, old.Buttons, old.Edited = m.Text, buttons, true
			p.logOf(chat).version++
			return m.EditID, nil
		}
		// The message is gone (a restart emptied the log): send it anew.
	}
	return p.appendLocked(chat, &Message{Text: m.Text, Buttons: buttons, Ref: m.Ref}), nil
}

// buttons signs the intents of rendered buttons.
func (p *Playground) buttons(rows [][]bot.Button) ([][]Button, error) {
	var out [][]Button
	for _, row := range rows {
		var r []Button
		for _, b := range row {
			data, err := p.codec.Encode(b.Intent)
			if err != nil {
				return nil, err
			}
			r = append(r, Button{Label: b.Label, Data: data})
		}
		out = append(out, r)
	}
	return out, nil
}

// logOf returns a chat's log, creating it. p.mu is held.
func (p *Playground) logOf(chat string) *chatLog {
	c := p.chats[chat]
	if c == nil {
		c = &chatLog{}
		p.chats[chat] = c
	}
	return c
}

// find returns a message of chat by id. p.mu is held.
func (p *Playground) find(chat, id string) *Message {
	for _, m := range p.logOf(chat).messages {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// appendLocked adds m to chat and returns its new id. p.mu is held.
func (p *Playground) appendLocked(chat string, m *Message) string {
	p.nextID++
	// The store remembers message ids across restarts (a round's message,
	// to edit it; the message a reply answers): ids of this run must not
	// be those of an earlier one.
	m.ID = "m" + p.nonce[:8] + "-" + strconv.Itoa(p.nextID)
	c := p.logOf(chat)
	c.messages = append(c.messages, m)
	c.version++
	return m.ID
}

func (p *Playground) appendMessage(chat string, m *Message) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.appendLocked(chat, m)
}

// Messages returns a copy of a chat's messages and its version.
func (p *Playground) Messages(chat string) ([]Message, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.logOf(chat)
	out := make([]Message, len(c.messages))
	for i, m := range c.messages {
		out[i] = *m
	}
	return out, c.version
}

// key returns a new update key.
func (p *Playground) key() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nextKey++
	return fmt.Sprintf("%s:%s:%d", Platform, p.nonce, p.nextKey)
}

// flush sends what the core queued, one flush at a time.
func (p *Playground) flush(ctx context.Context) {
	if p.opts.Flush == nil {
		return
	}
	p.flushMu.Lock()
	defer p.flushMu.Unlock()
	if err := p.opts.Flush(ctx); err != nil {
		p.logger.WarnContext(ctx, "web: flush the outbox failed", "err", err)
	}
}

// chatID names a room in the core; userID a person.
func chatID(room string) flows.ChatID   { return flows.ChatID(Platform + ":" + room) }
func userID(person string) flows.UserID { return flows.UserID(Platform + ":" + person) }
