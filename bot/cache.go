package bot

import (
	"container/list"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/samen-bot/samen/flows"
)

// DefaultStateCache is how many processes' states a bot keeps in memory
// when Config.StateCache is zero.
const DefaultStateCache = 128

// catchUpLimit is how many events a cached state may be behind before it
// is cheaper to load the snapshot.
const catchUpLimit = 200

// stateCache keeps the folded state of recently changed processes, so that
// the next command on one reads only the events after it (one small read)
// instead of decoding its snapshot, whose size grows with the process. A
// state is lent to one command at a time: take removes it, and the command
// gives back the state it committed. Another instance's commits are picked
// up by reading on from the cached version; a log that was rewritten
// (erasure's LogRewritten marker) or deleted is loaded afresh. A command
// that decided on a stale state cannot commit (the store checks the
// version), so the cache can cost a retry, never a wrong decision.
type stateCache struct {
	mu  sync.Mutex
	max int
	lru *list.List // of *flows.Process, most recently given first
	at  map[string]*list.Element
}

func newStateCache(max int) *stateCache {
	return &stateCache{max: max, lru: list.New(), at: map[string]*list.Element{}}
}

// take removes and returns the state of process id, or nil.
func (c *stateCache) take(id string) *flows.Process {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.at[id]
	if !ok {
		return nil
	}
	delete(c.at, id)
	return c.lru.Remove(el).(*flows.Process)
}

// give keeps p as its process's latest state, dropping the least recently
// given one beyond the limit.
func (c *stateCache) give(p *flows.Process) {
	if c.max <= 0 || p == nil || p.ID == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.at[p.ID]; ok {
		if el.Value.(*flows.Process).Version > p.Version {
			return
		}
		c.lru.Remove(el)
	}
	c.at[p.ID] = c.lru.PushFront(p)
	for c.lru.Len() > c.max {
		last := c.lru.Back()
		delete(c.at, last.Value.(*flows.Process).ID)
		c.lru.Remove(last)
	}
}

// latest returns process id's current state for a command: the cached one
// brought up to date, or a fresh load. The caller owns it; decideAndStore
// gives it back once it matches the store.
func (b *Bot) latest(ctx context.Context, id string) (*flows.Process, error) {
	if p := b.cache.take(id); p != nil {
		ok, err := b.catchUp(ctx, p)
		if err != nil {
			return nil, err
		}
		if ok {
			return p, nil
		}
	}
	return b.load(ctx, id)
}

// catchUp applies the events after p's version. It reports false when p
// cannot be brought up to date that way: the process is gone, its log was
// rewritten, or p is too far behind.
func (b *Bot) catchUp(ctx context.Context, p *flows.Process) (bool, error) {
	// From p's own last event: its presence shows the log still holds it.
	raw, err := b.store.ReadLog(ctx, p.ID, p.Version, catchUpLimit)
	if err != nil {
		return false, fmt.Errorf("read log of %s: %w", p.ID, err)
	}
	if len(raw) == 0 || len(raw) == catchUpLimit {
		return false, nil
	}
	// Decoded and checked before any is applied: the events before a
	// LogRewritten marker are rewritten too, and applied to the old fold
	// they would not fit it.
	events := make([]flows.Event, len(raw)-1)
	for i, r := range raw[1:] {
		e := &events[i]
		if err := json.Unmarshal(r, e); err != nil {
			return false, fmt.Errorf("read log of %s: %w", p.ID, err)
		}
		if _, rewritten := e.Data.(*flows.LogRewritten); rewritten || e.Version != p.Version+int64(i)+1 {
			return false, nil
		}
	}
	for i := range events {
		p.Apply(&events[i])
	}
	return true, nil
}
