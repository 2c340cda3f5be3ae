package store

import (
	"errors"
	"net/url"
	"strings"
)

// secretParams are the query parameters that carry a password (a Sentinel
// URL gives the master's password as ?password=).
var secretParams = []string{"password", "sentinel_password"}

// redactURL shows url with any password replaced by "xxxxx", in the
// userinfo or in the query; an unparsable URL is shown by its scheme only,
// since it may hold a password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.Index(raw, "://"); i >= 0 && i < 16 {
			return raw[:i+3] + "(unparsable URL)"
		}
		return "(unparsable URL)"
	}
	q := u.Query()
	changed := false
	for _, name := range secretParams {
		if q.Has(name) {
			q.Set(name, "xxxxx")
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// urlSecrets lists the strings of raw that may be a password: what url.Parse
// finds, and by hand the userinfo between "://" and the last '@'.
func urlSecrets(raw string) []string {
	var secrets []string
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			secrets = append(secrets, p)
		}
	}
	if u, err := url.Parse(raw); err == nil {
		q := u.Query()
		for _, name := range secretParams {
			for _, v := range q[name] {
				if v != "" {
					secrets = append(secrets, v, url.QueryEscape(v))
				}
			}
		}
	}
	rest := raw
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		info := rest[:at]
		if i := strings.Index(info, ":"); i >= 0 {
			info = info[i+1:]
		}
		if info != "" {
			secrets = append(secrets, info)
			if un, err := url.PathUnescape(info); err == nil && un != info {
				secrets = append(secrets, un)
			}
		}
	}
	return secrets
}

// parseError drops the URL from a url.Parse error (it would show the
// password) and keeps what went wrong.
func parseError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return errors.New("invalid URL")
	}
	return err
}

// openError builds OpenRedis's error: context, the redacted URL and the
// cause, with every possible password scrubbed from the message.
func openError(raw, step string, err error) error {
	msg := "open redis " + redactURL(raw)
	if step != "" {
		msg += ": " + step
	}
	msg += ": " + err.Error()
	for _, s := range urlSecrets(raw) {
		msg = strings.ReplaceAll(msg, s, "xxxxx")
	}
	return &redactedError{msg: msg, err: err}
}

// redactError scrubs every possible password of raw from err's message.
func redactError(raw string, err error) error {
	msg := err.Error()
	for _, s := range urlSecrets(raw) {
		msg = strings.ReplaceAll(msg, s, "xxxxx")
	}
	return &redactedError{msg: msg, err: err}
}

// redactedError carries a scrubbed message; errors.Is/As still reach the
// cause.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
