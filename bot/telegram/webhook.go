package telegram

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	tgbot "github.com/go-telegram/bot"
)

// secretHeader carries the webhook secret Telegram was given.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// WebhookHandler takes updates Telegram posts. A request without the right
// secret gets 401 and changes nothing; an update gets 200 only once it is
// stored (Telegram retries anything else), and is handled after that, in
// order, by the adapter's worker.
func (a *Adapter) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get(secretHeader)
		if a.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.WebhookSecret)) != 1 {
			http.Error(w, "wrong secret", http.StatusUnauthorized)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable", http.StatusBadRequest)
			return
		}
		id, err := updateID(raw)
		if err != nil {
			// Malformed: Telegram would retry it forever; take it and drop it.
			a.log.WarnContext(r.Context(), "webhook update without id dropped")
			w.WriteHeader(http.StatusOK)
			return
		}
		if err := a.accept(r.Context(), id, raw); err != nil {
			a.log.ErrorContext(r.Context(), "store webhook update failed", "update_id", id, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
		select {
		case a.inbox <- struct{}{}:
		default:
		}
	})
}

// Work handles stored updates until ctx ends: at start (updates a crash left),
// whenever the webhook stored one, every claimTerm (updates another
// instance sharing the store claimed and then died handling), and soon
// again while an earlier update is being handled elsewhere.
func (a *Adapter) Work(ctx context.Context) error {
	retry, blocked := time.Duration(0), time.Duration(0)
	rescan := time.NewTicker(claimTerm)
	defer rescan.Stop()
	for {
		switch err := a.drain(ctx); {
		case errors.Is(err, errBlocked):
			// Another instance is handling an earlier update: look again
			// soon (it finishes in moments, or its claim runs out).
			blocked = min(max(2*blocked, 50*time.Millisecond), time.Second)
			retry = blocked
		case err != nil && ctx.Err() == nil:
			// The store: the updates stay in the inbox; try again soon.
			retry = min(max(2*retry, time.Second), 30*time.Second)
			blocked = 0
			a.log.ErrorContext(ctx, "handling stored updates failed", "err", err, "retry_in", retry.String())
		default:
			retry, blocked = 0, 0
		}
		var again <-chan time.Time
		if retry > 0 {
			again = time.After(retry)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-a.inbox:
		case <-again:
		case <-rescan.C:
		}
	}
}

// serveWebhook registers the webhook with Telegram and serves it.
func (a *Adapter) serveWebhook(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.WebhookListen)
	if err != nil {
		return err
	}
	a.log.InfoContext(ctx, "webhook listening", "listen", ln.Addr().String())
	srv := &http.Server{Handler: a.WebhookHandler(), ReadHeaderTimeout: 10 * time.Second}
	errs := make(chan error, 2)
	go func() { errs <- srv.Serve(ln) }()
	go func() { errs <- a.Work(ctx) }()
	if _, err := a.api.SetWebhook(ctx, &tgbot.SetWebhookParams{
		URL: a.cfg.WebhookURL, SecretToken: a.cfg.WebhookSecret, AllowedUpdates: allowedUpdates,
	}); err != nil {
		srv.Close()
		return a.redact(err)
	}
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		err = ctx.Err()
	}
	return err
}
