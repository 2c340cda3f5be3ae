package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/samen-bot/samen/bot/web"
)

// webHandler is everything the bot serves on [web] listen, on one server:
// the dashboard under /dashboard and the playground everywhere else
// (either may be nil: it is off). It returns nil when both are off; then
// nothing listens at all.
func webHandler(pg *web.Playground, dash *web.Dashboard) http.Handler {
	if pg == nil && dash == nil {
		return nil
	}
	return web.Mux(pg, dash)
}

// Web server timeouts: a slow or idle client cannot hold a connection
// for long. An action's POST returns once the bot's answer is sent, so
// writes get more time than reads.
const (
	webReadHeaderTimeout = 10 * time.Second
	webReadTimeout       = 30 * time.Second
	webWriteTimeout      = 60 * time.Second
	webIdleTimeout       = 2 * time.Minute
	// webShutdownTimeout is how long requests in hand may take to finish
	// when the bot stops.
	webShutdownTimeout = 5 * time.Second
)

// listenWeb listens on addr. An address in use says how to choose
// another.
func listenWeb(ctx context.Context, addr string) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("%s is in use: set SAMEN_LISTEN=%s or [web] listen", addr, nextAddr(addr))
	}
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w (set SAMEN_LISTEN or [web] listen to another address)", addr, err)
	}
	return ln, nil
}

// nextAddr suggests the port after addr's.
func nextAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	n, err2 := strconv.Atoi(port)
	if err != nil || err2 != nil || n <= 0 || n >= 65535 {
		return net.JoinHostPort(host, "8081")
	}
	return net.JoinHostPort(host, strconv.Itoa(n+1))
}

// newWebServer returns the server for h, logging its errors to log.
func newWebServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: webReadHeaderTimeout,
		ReadTimeout:       webReadTimeout,
		WriteTimeout:      webWriteTimeout,
		IdleTimeout:       webIdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serveWeb serves srv on ln until ctx ends, then shuts it down gracefully:
// requests in hand get webShutdownTimeout to finish. It returns ctx's
// error, or why serving stopped before.
func serveWeb(ctx context.Context, srv *http.Server, ln net.Listener, log *slog.Logger) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("web server on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), webShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("web server: requests still in hand at shutdown were cut off", "err", err)
		_ = srv.Close()
	}
	<-served // http.ErrServerClosed
	return ctx.Err()
}
