package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/samen-bot/samen/flows"
)

// maxAttempts bounds retries after version conflicts; past it the person
// is asked to try again.
const maxAttempts = 16

// result is what a commit keeps with its idempotency key, so a replayed
// update gets the same reply and the same effects.
type result struct {
	Reply *flows.Message `json:"reply,omitempty"`
	Await *flows.Await   `json:"await,omitempty"`
	Done  bool           `json:"done,omitempty"`
}

// outboxBody is an outbox entry: a message and the process's language,
// which group chats are written in.
type outboxBody struct {
	Lang    string        `json:"lang"`
	Message flows.Message `json:"msg"`
}

// run executes cmd on process id and stores the decision, retrying on
// version conflicts. It returns the reply for the actor.
func (b *Bot) run(ctx context.Context, req *Request, id string, cmd flows.Command) (*flows.Message, error) {
	key := b.commitKey(req.Update.Key)
	defer b.locks.lock(id)()
	for attempt := range maxAttempts {
		if attempt > 0 {
			if err := backoff(ctx, attempt); err != nil {
				return nil, err
			}
		}
		p, err := b.latest(ctx, id)
		if errors.Is(err, flows.ErrNotFound) {
			return nil, flows.Refuse(flows.ErrUnknownProcessCode, "code", id)
		}
		if err != nil {
			return nil, err
		}
		req.ProcessLang = p.Locale()
		reply, err := b.decideAndStore(ctx, req, p, cmd, key)
		if errors.Is(err, flows.ErrVersionConflict) {
			continue
		}
		return reply, err
	}
	return nil, flows.Refuse(flows.ErrBusy)
}

// decideAndStore executes cmd on p and appends the decision. It returns
// flows.ErrVersionConflict (wrapped) when p was out of date.
func (b *Bot) decideAndStore(ctx context.Context, req *Request, p *flows.Process, cmd flows.Command, key string) (*flows.Message, error) {
	expected := p.Version
	env := b.env(key)
	d, err := flows.Execute(p, cmd, env, key)
	if err != nil {
		if _, refused := flows.AsUserError(err); refused {
			b.cache.give(p) // a refusal leaves p as it was
		}
		return nil, err
	}
	res := result{Reply: d.Reply, Await: d.Await, Done: d.Done}
	if !d.Changes() {
		b.cache.give(p)
		b.effects(ctx, req, p, res)
		return d.Reply, nil
	}
	commit, err := b.commit(p, d, key, expected, env, res)
	if err != nil {
		return nil, err
	}
	stored, err := b.store.Append(ctx, commit)
	if err != nil {
		return nil, fmt.Errorf("append to %s: %w", p.ID, err)
	}
	if stored.Replayed {
		var original result
		if err := json.Unmarshal(stored.Result, &original); err != nil {
			return nil, fmt.Errorf("decode replayed result of %s: %w", p.ID, err)
		}
		b.effects(ctx, req, p, original)
		return original.Reply, nil
	}
	// p is now what the store holds; a replayed commit above left p
	// ahead of it (decided again on an older state), so only this path
	// gives p back.
	b.cache.give(p)
	b.index(ctx, p, d.Events)
	b.effects(ctx, req, p, res)
	if len(commit.Outbox) > 0 {
		b.outboxed(p.ID)
	}
	return d.Reply, nil
}

// commit turns a decision into what the store writes atomically.
func (b *Bot) commit(p *flows.Process, d *flows.Decision, key string, expected int64, env flows.Env, res result) (flows.Commit, error) {
	c := flows.Commit{
		Process:    p.ID,
		Key:        key,
		KeyExpires: keyExpiry(time.Now()),
		Expected:   expected,
		NextDue:    p.NextDue(env),
	}
	for _, e := range d.Events {
		raw, err := json.Marshal(e)
		if err != nil {
			return c, err
		}
		c.Events = append(c.Events, raw)
	}
	for _, m := range d.Messages {
		body, err := json.Marshal(outboxBody{Lang: p.Locale(), Message: m})
		if err != nil {
			return c, fmt.Errorf("encode outbox entry of %s: %w", p.ID, err)
		}
		c.Outbox = append(c.Outbox, flows.OutboxEntry{Chat: m.To.Key(), Body: body})
	}
	// A large process is snapshot less often: its state is kept in memory
	// between commands (stateCache), so the snapshot serves cold loads,
	// which replay a few hundred events quickly, while encoding the state
	// of thousands of members for every 50 answers would cost more.
	every := int64(max(b.snapEvery, len(p.Members)/20))
	if p.Version/every > expected/every {
		snap, err := flows.EncodeSnapshot(p)
		if err != nil {
			return c, err
		}
		c.Snapshot = snap
	}
	raw, err := json.Marshal(res)
	if err != nil {
		return c, err
	}
	c.Result = raw
	return c, nil
}

// keyExpiry is when an idempotency key may be forgotten: at least
// flows.MinKeyTTL ahead, rounded up to a whole day so that the expiry says
// nothing about when an anonymous answer arrived. It is wall-clock time,
// not the bot's clock: stores expire keys by their own clock, and the bot's
// clock may be simulated.
func keyExpiry(now time.Time) time.Time {
	return now.UTC().Add(flows.MinKeyTTL).Truncate(24 * time.Hour).Add(48 * time.Hour)
}

// effects applies what a decision asks of the bot besides storing it.
func (b *Bot) effects(ctx context.Context, req *Request, p *flows.Process, res result) {
	u := req.Update.User
	switch {
	case res.Await != nil:
		req.form, req.await, req.asks = p.FormFor(*res.Await), res.Await, true
		res.Await.ByForm = req.form != nil && req.Update.Forms
		raw, _ := json.Marshal(res.Await)
		if err := b.store.PutTemp(ctx, awaitKey(u), raw, awaitTTL); err != nil {
			b.log.ErrorContext(ctx, "store pending answer failed", "process", res.Await.Process, "err", err)
		}
	case res.Done:
		if err := b.store.DeleteTemp(ctx, awaitKey(u)); err != nil {
			b.log.ErrorContext(ctx, "clear pending answer failed", "err", err)
		}
	}
}

// inputID identifies pending input: a form made for it carries it, so a
// form for input the person no longer owes (they pressed another button
// since, on another device) is refused, not taken for the new one.
func inputID(a *flows.Await) string {
	raw, _ := json.Marshal(a)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:6])
}

// awaitTTL is how long a started private answer waits for its text.
const awaitTTL = 24 * time.Hour

func (b *Bot) awaiting(ctx context.Context, u flows.UserID) (*flows.Await, error) {
	raw, err := b.store.Temp(ctx, awaitKey(u))
	if err != nil {
		return nil, err
	}
	var a flows.Await
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("decode pending answer: %w", err)
	}
	return &a, nil
}

// load returns a process's current state: its snapshot and the events
// after it.
func (b *Bot) load(ctx context.Context, id string) (*flows.Process, error) {
	h, err := b.store.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &flows.Process{}
	if h.Snapshot != nil {
		if p, err = flows.DecodeSnapshot(h.Snapshot); err != nil {
			return nil, fmt.Errorf("load %s: %w", id, err)
		}
	}
	if err := flows.Replay(p, h.Events); err != nil {
		return nil, fmt.Errorf("load %s: %w", id, err)
	}
	return p, nil
}

// env gives the engine the time, a seed and the keyed hash, all derived
// from the action so that a retry decides the same.
func (b *Bot) env(key string) flows.Env {
	sum := sha256.Sum256([]byte(key))
	return flows.Env{
		Now:       b.now(),
		Seed:      int64(binary.BigEndian.Uint64(sum[:8])),
		Pseudonym: b.pseudonym,
		ValidZone: b.validZone,
		Location:  b.location,
		Templates: b.templates,
	}
}

// pseudonym is the keyed hash that stands in for an anonymous author.
func (b *Bot) pseudonym(parts ...string) string {
	return b.keyed("pseudonym", strings.Join(parts, "\x00"))
}

// commitKey is the stored form of an update's idempotency key: a keyed
// hash, so the store never holds platform update ids, whose order could
// tie an anonymous answer to the person who pressed a button just before.
func (b *Bot) commitKey(updateKey string) string { return "k:" + b.keyed("idempotency", updateKey) }

func (b *Bot) keyed(purpose, value string) string {
	mac := hmac.New(sha256.New, b.secret)
	mac.Write([]byte(purpose))
	mac.Write([]byte{0})
	mac.Write([]byte(value))
	return hex.EncodeToString(mac.Sum(nil)[:16])
}
