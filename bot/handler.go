package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/samen-bot/samen/flows"
)

// Request is an update with what the bot resolved about it.
type Request struct {
	Update *Update
	// resolveErr is the store's error when the update's process could not
	// be looked up; the request is then not handled.
	resolveErr error
	Actor      flows.Actor
	Command    string // the command's name, "" if the update is not a command
	Args       string
	// Process is the process the update concerns ("" if none): the chat's,
	// the button's, or the one a private answer was started for.
	Process string
	// Lang is the actor's own language (/lang), "" if they chose none.
	Lang string
	// ProcessLang is the process's catalog locale (its language, and for
	// Dutch its tone), once known.
	ProcessLang string

	// file is a document a handler attaches to its reply.
	file *File
	// form is what the reply asks the person to write, as one form.
	form  *flows.Form
	await *flows.Await
	asks  bool
}

// A Handler handles a request and returns the reply to give the actor (nil
// for none), or an error: a *flows.UserError for something the person can
// fix, any other error for a failure on our side.
type Handler interface {
	Serve(ctx context.Context, req *Request) (*flows.Message, error)
}

// HandlerFunc is an adapter to allow the use of ordinary functions as
// Handlers.
type HandlerFunc func(ctx context.Context, req *Request) (*flows.Message, error)

// Serve calls f(ctx, req).
func (f HandlerFunc) Serve(ctx context.Context, req *Request) (*flows.Message, error) {
	return f(ctx, req)
}

// Middleware wraps a Handler.
type Middleware func(Handler) Handler

// Chain applies middlewares so that the first one listed is the outermost.
func Chain(h Handler, mws ...Middleware) Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// Mux routes requests: commands by name, button presses by intent, and
// other messages (answers) to one text handler.
type Mux struct {
	commands map[string]Handler
	buttons  map[string]Handler
	form     Handler
	text     Handler
}

// NewMux returns an empty Mux.
func NewMux() *Mux {
	return &Mux{commands: map[string]Handler{}, buttons: map[string]Handler{}}
}

// HandleCommand registers h for /name. Registering a name twice panics: it
// is a programming error.
func (m *Mux) HandleCommand(name string, h Handler) {
	if _, dup := m.commands[name]; dup {
		panic("bot: command registered twice: " + name)
	}
	m.commands[name] = h
}

// HandleButton registers h for button intents with Do == do.
func (m *Mux) HandleButton(do string, h Handler) {
	if _, dup := m.buttons[do]; dup {
		panic("bot: button registered twice: " + do)
	}
	m.buttons[do] = h
}

// HandleForm registers the handler for forms: the texts a button asked
// for, submitted together with it.
func (m *Mux) HandleForm(h Handler) { m.form = h }

// HandleText registers the handler for messages that are not commands.
func (m *Mux) HandleText(h Handler) { m.text = h }

// Serve dispatches req. An unknown command or button is a user error.
func (m *Mux) Serve(ctx context.Context, req *Request) (*flows.Message, error) {
	switch {
	case req.Update.Button != nil && req.Update.Fields != nil && m.form != nil:
		return m.form.Serve(ctx, req)
	case req.Update.Button != nil:
		h, ok := m.buttons[req.Update.Button.Do]
		if !ok {
			return nil, flows.Refuse(flows.ErrButtonExpired)
		}
		return h.Serve(ctx, req)
	case req.Command != "":
		h, ok := m.commands[req.Command]
		if !ok {
			return nil, flows.Refuse(flows.ErrUnknownCommand, "command", req.Command)
		}
		return h.Serve(ctx, req)
	case m.text != nil:
		return m.text.Serve(ctx, req)
	}
	return nil, nil
}

// Recover turns a panic in a handler into an internal error, so one bad
// update never stops the bot.
func Recover() Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, req *Request) (msg *flows.Message, err error) {
			defer func() {
				if v := recover(); v != nil {
					err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
				}
			}()
			return next.Serve(ctx, req)
		})
	}
}

// Errors turns a user error into its kind explanation, shown privately to
// the person, and any other error into a short apology after logging it
// once. It never logs who acted: the update may be an anonymous answer.
func Errors(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, req *Request) (*flows.Message, error) {
			msg, err := next.Serve(ctx, req)
			if err == nil {
				return msg, nil
			}
			if ue, ok := flows.AsUserError(err); ok {
				return &flows.Message{Private: true, Lines: []flows.Line{ue.Line}}, nil
			}
			if errors.Is(err, context.Canceled) {
				return nil, err
			}
			log.ErrorContext(ctx, "handle update failed", "command", req.Command, "button", buttonName(req), "process", req.Process, "chat", logChat(req.Update), "err", err)
			key := flows.ErrInternal
			if storeUnavailable(err) {
				key = flows.ErrStoreUnavailable
			}
			return &flows.Message{Private: true, Lines: []flows.Line{flows.L(key)}}, nil
		})
	}
}

// storeUnavailable says err is the store not answering: the connection
// refused, reset or timed out, or Redis still loading its data after a
// restart. Nothing was changed, and trying again in a minute helps.
func storeUnavailable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ECONNREFUSED) ||
		strings.Contains(err.Error(), "LOADING ")
}

func buttonName(req *Request) string {
	if req.Update.Button == nil {
		return ""
	}
	return req.Update.Button.Do
}
