package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
)

// WebConfig is the bot's own web server: the playground (bot/web), and
// later the facilitator dashboard beside it.
type WebConfig struct {
	// Listen is the address to listen on (env SAMEN_LISTEN wins). Port 0
	// lets the system choose one.
	Listen string `toml:"listen"`
	// PublicURL is the address people's browsers use, for links (env
	// SAMEN_PUBLIC_URL wins). Empty: http:// and the address listened on,
	// an unspecified host (0.0.0.0, [::]) as 127.0.0.1.
	PublicURL string `toml:"public_url"`
	// Playground is auto (on when no chat platform is configured), on or
	// off.
	Playground string `toml:"playground"`
	// Chromium prints the dashboard's record as PDF: a path, "off", or
	// empty to use the first of chromium, chromium-browser, google-chrome
	// found on PATH (none found: no PDF; the printable page stays).
	Chromium string `toml:"chromium"`
}

// findChromium resolves [web] chromium: "off" and a browser not found are
// "".
func (w *WebConfig) findChromium() {
	switch w.Chromium {
	case "off":
		w.Chromium = ""
	case "":
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				w.Chromium = p
				return
			}
		}
	}
}

// Playground modes.
const (
	playgroundAuto = "auto"
	playgroundOn   = "on"
	playgroundOff  = "off"
)

// defaultListen is where a newcomer's `go run ./cmd/samen` serves the
// playground.
const defaultListen = "127.0.0.1:8080"

// fromEnv takes the addresses from the environment, which wins over the
// file.
func (w *WebConfig) fromEnv(getenv func(string) string) {
	if v := strings.TrimSpace(getenv("SAMEN_LISTEN")); v != "" {
		w.Listen = v
	}
	if v := strings.TrimSpace(getenv("SAMEN_PUBLIC_URL")); v != "" {
		w.PublicURL = v
	}
	w.PublicURL = strings.TrimSuffix(w.PublicURL, "/")
}

func (w WebConfig) validate() []error {
	var errs []error
	if err := checkListen(w.Listen); err != nil {
		errs = append(errs, err)
	}
	if w.PublicURL != "" {
		if err := checkPublicURL(w.PublicURL); err != nil {
			errs = append(errs, err)
		}
	}
	if w.Chromium != "" {
		if _, err := exec.LookPath(w.Chromium); err != nil {
			errs = append(errs, fmt.Errorf("web.chromium is %q, which is not a program here: give the path of Chromium (apt-get install chromium gives /usr/bin/chromium), or \"off\" for no PDF", w.Chromium))
		}
	}
	switch w.Playground {
	case "", playgroundAuto, playgroundOn, playgroundOff:
	default:
		errs = append(errs, fmt.Errorf("web.playground is %q: use auto (the default: on when no chat platform is configured and only this machine reaches it), on or off", w.Playground))
	}
	return errs
}

// checkListen accepts host:port with a port number (0: any free port).
func checkListen(listen string) error {
	if strings.TrimSpace(listen) == "" {
		return fmt.Errorf("web.listen is empty: set it (or SAMEN_LISTEN) to host:port, like %s", defaultListen)
	}
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("web.listen (or SAMEN_LISTEN) is %q: use host:port, like %s", listen, defaultListen)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("web.listen (or SAMEN_LISTEN) is %q: the port must be a number from 0 to 65535, like %s", listen, defaultListen)
	}
	return nil
}

// checkPublicURL accepts an http or https URL with a host and nothing
// after it (a trailing slash is taken off before).
func checkPublicURL(s string) error {
	how := "use the address people's browsers open, like https://samen.example.org or http://127.0.0.1:8080, without a path"
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("web.public_url (or SAMEN_PUBLIC_URL) is not a URL: %s", how)
	}
	if u.User != nil {
		return errors.New("web.public_url (or SAMEN_PUBLIC_URL) contains a user name or password: " + how)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.HasSuffix(s, "#") {
		return fmt.Errorf("web.public_url (or SAMEN_PUBLIC_URL) is %q: %s", s, how)
	}
	return nil
}

// playground reports whether the playground runs, given whether a chat
// platform is configured. Auto serves it only on this machine: it has no
// login, so on a public address it must be asked for ("on").
func (w WebConfig) playground(platforms bool) bool {
	switch w.Playground {
	case playgroundOn:
		return true
	case playgroundOff:
		return false
	default:
		return !platforms && w.private()
	}
}

// private reports whether only this machine reaches the web server: it
// listens on a loopback address and public_url, if set, names one.
func (w WebConfig) private() bool {
	host, _, err := net.SplitHostPort(w.Listen)
	if err != nil || !loopback(host) {
		return false
	}
	if w.PublicURL == "" {
		return true
	}
	u, err := url.Parse(w.PublicURL)
	return err == nil && loopback(u.Hostname())
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// secure reports whether browsers reach the web server over https.
func (w WebConfig) secure() bool {
	u, err := url.Parse(w.PublicURL)
	return err == nil && u.Scheme == "https" // url.Parse lower-cases the scheme
}

// url is the address browsers use: public_url, or else http:// and addr,
// the address actually listened on (so that port 0 shows the port the
// system chose), with an unspecified host as 127.0.0.1.
func (w WebConfig) url(addr string) string {
	if w.PublicURL != "" {
		return w.PublicURL
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
