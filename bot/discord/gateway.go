package discord

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Reconnect back-off after a dropped or failed connection.
const (
	firstBackoff = time.Second
	maxBackoff   = 2 * time.Minute
)

// Run connects to the gateway and stays connected until ctx ends: it
// registers the slash commands (shard 0 only), then reconnects after
// every drop (resuming the session where Discord allows). A refused token or refused intents
// stop it with an error that says what to fix, instead of reconnecting
// forever.
func (a *Adapter) Run(ctx context.Context) error {
	defer a.stopBG()
	// Shard 0 alone registers the commands: they are the application's,
	// not a shard's, and every registration overwrites the last.
	if a.firstShard() {
		if err := a.registerCommands(ctx); err != nil {
			a.log.WarnContext(ctx, "register slash commands failed", "err", a.redact(err))
		}
	}
	backoff := firstBackoff
	for {
		err := a.gateway.Open()
		if err == nil {
			backoff = firstBackoff
			select {
			case <-ctx.Done():
				_ = a.gateway.Close()
				a.finish()
				return nil
			case <-a.dropped:
				a.log.WarnContext(ctx, "discord gateway connection lost; reconnecting")
				continue
			}
		}
		if fatal := fatalClose(err); fatal != nil {
			return fatal
		}
		a.log.WarnContext(ctx, "connect to the discord gateway failed", "err", a.redact(err), "retry_in", backoff.String())
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// finishWithin bounds how long Run waits, on shutdown, for the work in
// hand (an answer being stored, a form's fields) to end.
const finishWithin = 10 * time.Second

// finish waits for the work handed on from the gateway's events: no new
// events come once the connection is closed.
func (a *Adapter) finish() {
	done := make(chan struct{})
	go func() {
		a.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(finishWithin):
		a.log.Warn("discord: stopping with work still in hand", "waited", finishWithin.String())
	}
}

// fatalClose explains a gateway close that reconnecting cannot fix.
func fatalClose(err error) error {
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		return nil
	}
	switch ce.Code {
	case 4004:
		return errors.New("discord: the gateway refused the bot token (close code 4004): set SAMEN_DISCORD_TOKEN to the token under Bot in the Developer Portal")
	case 4013, 4014:
		return fmt.Errorf("discord: the gateway refused the intents (close code %d): Samen asks only for Guilds, Guild Messages and Direct Messages, which need no approval; check that the application is a bot application", ce.Code)
	case 4010, 4011, 4012:
		return fmt.Errorf("discord: the gateway refused the connection (close code %d: %s)", ce.Code, ce.Text)
	}
	return nil
}

// onDisconnect wakes Run to reconnect.
func (a *Adapter) onDisconnect(*discordgo.Disconnect) {
	select {
	case a.dropped <- struct{}{}:
	default:
	}
}

// onReady starts a session. Events of an earlier session that were never
// received are not replayed by Discord (only a resumed session gets them),
// so what was sent meanwhile is fetched and handled now: the catching up
// of each channel is queued before any live message of this session.
func (a *Adapter) onReady(*discordgo.Ready) {
	if err := a.catchUp(a.bg); err != nil && a.bg.Err() == nil {
		a.log.Warn("catch up after a new session failed", "err", a.redact(err))
	}
}
