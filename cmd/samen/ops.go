package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// pinger is a store that says whether it answers (store.Redis, store.Bolt).
type pinger interface {
	Ping(ctx context.Context) error
}

// connector is a platform that says whether it is connected (Discord's
// gateway). A platform without it counts as connected once it runs: its
// New checked the token with the platform.
type connector interface {
	Connected() bool
}

// readyTimeout bounds the store's answer to a readiness check.
const readyTimeout = 2 * time.Second

// ops is the operations listener's state: /healthz, /readyz, /metrics.
type ops struct {
	store   pinger // nil: not checked
	metrics http.Handler

	mu        sync.Mutex
	state     string // why not ready apart from the store: "starting", "stopping"; "" when serving
	platforms map[string]connector
}

// serving says every part runs, on these platforms.
func (o *ops) serving(platforms map[string]platform) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.state = ""
	o.platforms = map[string]connector{}
	for name, p := range platforms {
		if c, ok := p.(connector); ok {
			o.platforms[name] = c
		}
	}
}

// stopping says the bot is shutting down.
func (o *ops) stopping() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.state = "stopping"
}

// ready says why the bot is not ready, or nil.
func (o *ops) ready(ctx context.Context) error {
	o.mu.Lock()
	state, platforms := o.state, o.platforms
	o.mu.Unlock()
	if state != "" {
		return fmt.Errorf("%s", state)
	}
	if o.store != nil {
		ctx, cancel := context.WithTimeout(ctx, readyTimeout)
		defer cancel()
		if err := o.store.Ping(ctx); err != nil {
			return fmt.Errorf("the store does not answer: %v", err)
		}
	}
	for name, c := range platforms {
		if !c.Connected() {
			return fmt.Errorf("%s: not connected", name)
		}
	}
	return nil
}

func (o *ops) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := o.ready(r.Context()); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "not ready: %v\n", err)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	if o.metrics != nil {
		mux.Handle("GET /metrics", o.metrics)
	}
	return mux
}

// startOps serves the ops endpoints on [ops] listen until the returned
// function is called. An address it cannot listen on is logged, not fatal:
// the bot runs on without its health and metrics endpoints.
func (a *app) startOps(o *ops) (stop func()) {
	ln, err := net.Listen("tcp", a.cfg.Ops.Listen)
	if err != nil {
		a.log.Error("the ops listener (health and metrics) could not start; the bot runs without it: set [ops] listen or SAMEN_OPS_LISTEN to a free host:port, or \"off\"",
			"listen", a.cfg.Ops.Listen, "err", err)
		return func() {}
	}
	a.log.Info("ops listening", "listen", ln.Addr().String(), "paths", "/healthz /readyz /metrics")
	srv := newWebServer(o.handler(), a.log)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := serveWeb(ctx, srv, ln, a.log); err != nil && ctx.Err() == nil {
			a.log.Error("ops listener stopped", "err", err)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
