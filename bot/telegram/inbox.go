package telegram

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/samen-bot/samen/flows"
)

// Every update is stored before Telegram is told it arrived (the next
// getUpdates offset, or the webhook's 200), and deleted once handled: a
// crash in between loses nothing, and the raw update — which names its
// sender — is kept no longer than it takes to handle it. It is stored
// encrypted, with a key derived from the secret (which is never stored): a
// deleted value can linger in a store's files (bbolt's free pages, Redis's
// append-only file), and there it must not put a person next to the
// anonymous answer they sent. Handled update ids are remembered for a day
// (as long as Telegram redelivers), so a redelivered update is handled once.

const (
	inboxKey    = "tg:inbox"
	keepRaw     = 24 * time.Hour // Telegram keeps undelivered updates this long
	keepHandled = 25 * time.Hour
)

// claimTerm is how long a claim on an update lasts unless renewed: the
// instance handling it renews it every third of the term, so another
// instance sharing the store takes an update over only when its handler
// died, at most this long after.
const claimTerm = 30 * time.Second

// errBlocked is drain's report that it stopped at an update another
// instance is handling: the updates after it wait, so that none overtakes
// it (a person's later message must not be handled before their earlier
// one). Callers look again soon.
var errBlocked = errors.New("an earlier update is being handled elsewhere")

func rawKey(id int64) string     { return fmt.Sprintf("tg:update:%d", id) }
func claimName(id int64) string  { return fmt.Sprintf("tg:handling:%d", id) }
func handledKey(id int64) string { return fmt.Sprintf("tg:handled:%d", id) }

// updateID reads only the id of a raw update, which decodes even when the
// rest of it does not.
func updateID(raw []byte) (int64, error) {
	var head struct {
		ID *int64 `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &head); err != nil || head.ID == nil {
		return 0, fmt.Errorf("an update without update_id")
	}
	return *head.ID, nil
}

// accept stores a raw update for handling, unless it was handled before.
func (a *Adapter) accept(ctx context.Context, id int64, raw []byte) error {
	if _, err := a.store.Temp(ctx, handledKey(id)); err == nil {
		return nil // redelivered: handled already
	} else if !errors.Is(err, flows.ErrNotFound) {
		return err
	}
	if err := a.store.PutTemp(ctx, rawKey(id), a.seal(id, raw), keepRaw); err != nil {
		return fmt.Errorf("store update: %w", err)
	}
	if err := a.store.AddToSet(ctx, inboxKey, strconv.FormatInt(id, 10)); err != nil {
		return fmt.Errorf("store update: %w", err)
	}
	return nil
}

// drain handles every stored update, oldest first. Instances sharing the
// store share the inbox: each update is handled by the instance that
// claims it (a lease). Reaching an update another instance claimed, it
// stops with errBlocked.
func (a *Adapter) drain(ctx context.Context) error {
	members, err := a.store.SetMembers(ctx, inboxKey)
	if err != nil {
		return fmt.Errorf("read inbox: %w", err)
	}
	ids := make([]int64, 0, len(members))
	for _, m := range members {
		if id, err := strconv.ParseInt(m, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := a.drainOne(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// drainOne handles update id if this instance can claim it and nobody
// handled it yet.
func (a *Adapter) drainOne(ctx context.Context, id int64) error {
	claimed, err := a.store.Lease(ctx, claimName(id), a.id, claimTerm)
	if err != nil {
		return fmt.Errorf("claim update: %w", err)
	}
	if !claimed {
		return errBlocked
	}
	defer func() {
		release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := a.store.ReleaseLease(release, claimName(id), a.id); err != nil {
			a.log.WarnContext(ctx, "release update claim failed", "update_id", id, "err", err)
		}
	}()
	// Renewing stops before the release above (deferred calls run last
	// first): a renewal after it would take the claim again.
	defer a.keepClaim(ctx, id)()
	if _, err := a.store.Temp(ctx, handledKey(id)); err == nil {
		// Handled already: by another instance after we listed the inbox,
		// or this is a second copy, stored by a webhook post that raced
		// the first copy's handling (it looked before that was marked
		// handled). Its raw form must go too: it names the sender.
		return a.forget(ctx, id)
	} else if !errors.Is(err, flows.ErrNotFound) {
		return err
	}
	raw, err := a.store.Temp(ctx, rawKey(id))
	switch {
	case errors.Is(err, flows.ErrNotFound):
		// Expired unhandled (the bot was down over a day): gone.
	case err != nil:
		return fmt.Errorf("read update: %w", err)
	default:
		if plain, err := a.open(id, raw); err != nil {
			// Sealed with another secret (it changed): unreadable.
			a.log.WarnContext(ctx, "stored update unreadable, set aside", "update_id", id)
		} else {
			a.handleRaw(ctx, id, plain)
		}
	}
	return a.settle(ctx, id)
}

// keepClaim renews the claim on update id every third of its term until
// the returned stop is called, so that a slow handling (a store that
// hesitates) is not taken over while it is still going on.
func (a *Adapter) keepClaim(ctx context.Context, id int64) (stop func()) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(claimTerm / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := a.store.Lease(ctx, claimName(id), a.id, claimTerm); err != nil && ctx.Err() == nil {
					a.log.WarnContext(ctx, "renew update claim failed", "update_id", id, "err", err)
				}
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// settle marks an update handled and forgets its raw form.
func (a *Adapter) settle(ctx context.Context, id int64) error {
	if err := a.store.PutTemp(ctx, handledKey(id), []byte{1}, keepHandled); err != nil {
		return fmt.Errorf("mark update handled: %w", err)
	}
	return a.forget(ctx, id)
}

// forget deletes a handled update's raw form and takes it out of the inbox.
func (a *Adapter) forget(ctx context.Context, id int64) error {
	if err := a.store.DeleteTemp(ctx, rawKey(id)); err != nil {
		return fmt.Errorf("forget update: %w", err)
	}
	if err := a.store.RemoveFromSet(ctx, inboxKey, strconv.FormatInt(id, 10)); err != nil {
		return fmt.Errorf("take update out of the inbox: %w", err)
	}
	return nil
}

// handleRaw decodes and handles one update. An update the library cannot
// decode (a new enum value, say) is set aside with a log line; a panic in
// handling is recovered: neither stops the updates after it.
func (a *Adapter) handleRaw(ctx context.Context, id int64, raw []byte) {
	defer func() {
		if r := recover(); r != nil {
			a.log.ErrorContext(ctx, "handling an update panicked; it is set aside", "update_id", id, "panic", fmt.Sprint(r))
		}
	}()
	var upd models.Update
	if err := json.Unmarshal(raw, &upd); err != nil {
		a.log.WarnContext(ctx, "undecodable update set aside", "update_id", id, "err", err)
		return
	}
	if err := a.handle(ctx, &upd); err != nil && ctx.Err() == nil {
		a.log.ErrorContext(ctx, "handling an update failed", "update_id", id, "err", a.redact(err))
	}
}

// seal encrypts a raw update; its id is bound in as associated data, so a
// sealed update cannot pass for another.
func (a *Adapter) seal(id int64, raw []byte) []byte {
	nonce := make([]byte, a.sealer.NonceSize(), a.sealer.NonceSize()+len(raw)+a.sealer.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return a.sealer.Seal(nonce, nonce, raw, []byte(rawKey(id)))
}

func (a *Adapter) open(id int64, sealed []byte) ([]byte, error) {
	n := a.sealer.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sealed update too short")
	}
	return a.sealer.Open(nil, sealed[:n], sealed[n:], []byte(rawKey(id)))
}
