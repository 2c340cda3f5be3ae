package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/samen-bot/samen/flows"
)

// A dashboard link opens one session, once. The session is a random id
// the browser keeps in a cookie; the store keeps only its keyed hash, with
// the person and the link's expiry. Signing out deletes it, so a copied
// cookie stops working; a link already used opens nothing (the session
// it opened may be signed out).

// ErrLinkUsed is a dashboard link opened before.
var ErrLinkUsed = errors.New("dashboard link already used")

// ErrNoSession is a dashboard session that does not exist (never opened,
// signed out, or expired).
var ErrNoSession = errors.New("no dashboard session")

// OpenDashboardSession turns a link's token into a new session: it returns
// the session id, the person and when the session ends (the link's
// expiry). ErrLinkInvalid, ErrLinkExpired or ErrLinkUsed otherwise.
func (b *Bot) OpenDashboardSession(ctx context.Context, token string) (string, flows.UserID, time.Time, error) {
	u, until, err := b.VerifyDashboardToken(token)
	if err != nil {
		return "", "", until, err
	}
	// Spending the link is one atomic step: of two browsers opening it
	// at once, one gets the session.
	ttl := until.Sub(b.now())
	spent, err := b.store.AddTemp(ctx, "dashboard:link:"+b.keyed("dashboard link", token), []byte{1}, ttl)
	if err != nil {
		return "", "", until, fmt.Errorf("spend a dashboard link: %w", err)
	}
	if !spent {
		return "", "", until, ErrLinkUsed
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", "", until, err
	}
	session := hex.EncodeToString(raw[:])
	value := string(u) + "\x00" + strconv.FormatInt(until.Unix(), 10)
	if err := b.store.PutTemp(ctx, b.sessionKey(session), []byte(value), ttl); err != nil {
		return "", "", until, fmt.Errorf("store a dashboard session: %w", err)
	}
	return session, u, until, nil
}

func (b *Bot) sessionKey(session string) string {
	return "dashboard:session:" + b.keyed("dashboard session", session)
}

// DashboardSession returns the person of a session and when it ends;
// ErrNoSession if there is none (or it ended).
func (b *Bot) DashboardSession(ctx context.Context, session string) (flows.UserID, time.Time, error) {
	if len(session) != 64 {
		return "", time.Time{}, ErrNoSession
	}
	v, err := b.store.Temp(ctx, b.sessionKey(session))
	if errors.Is(err, flows.ErrNotFound) {
		return "", time.Time{}, ErrNoSession
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("look up a dashboard session: %w", err)
	}
	user, unix, ok := strings.Cut(string(v), "\x00")
	n, err := strconv.ParseInt(unix, 10, 64)
	if !ok || err != nil {
		return "", time.Time{}, ErrNoSession
	}
	until := time.Unix(n, 0)
	if !b.now().Before(until) {
		return "", until, ErrNoSession
	}
	return flows.UserID(user), until, nil
}

// CloseDashboardSession signs a session out.
func (b *Bot) CloseDashboardSession(ctx context.Context, session string) error {
	if len(session) != 64 {
		return nil
	}
	if err := b.store.DeleteTemp(ctx, b.sessionKey(session)); err != nil && !errors.Is(err, flows.ErrNotFound) {
		return fmt.Errorf("sign out of a dashboard session: %w", err)
	}
	return nil
}

// FacilitatorName is the name u goes by as a facilitator (of their newest
// process), for "you open the dashboard as …"; "" if they facilitate
// nothing.
func (b *Bot) FacilitatorName(ctx context.Context, u flows.UserID) (string, error) {
	ps, err := b.Facilitating(ctx, u)
	if err != nil || len(ps) == 0 {
		return "", err
	}
	return ps[0].Facilitators[u].Name, nil
}
