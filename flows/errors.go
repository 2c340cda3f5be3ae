package flows

import "errors"

// UserError is a mistake the person can fix: a command in the wrong place or
// from the wrong person, a missing argument, an answer to a closed round. It
// carries the kind explanation to give them; nothing was changed.
type UserError struct {
	Line Line
}

func (e *UserError) Error() string { return "user error: " + string(e.Line.Key) }

// Refuse builds a *UserError from a catalog key and its parameters (as for L).
func Refuse(key MsgKey, kv ...any) error {
	return &UserError{Line: L(key, kv...)}
}

// AsUserError reports whether err is (or wraps) a *UserError.
func AsUserError(err error) (*UserError, bool) {
	var ue *UserError
	ok := errors.As(err, &ue)
	return ue, ok
}
