package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrLocked is matched (errors.Is) by the error OpenBolt returns when another
// process holds the data file.
var ErrLocked = errors.New("data file locked")

// LockedError says which data file is in use. errors.Is(err, ErrLocked) is
// true for it.
type LockedError struct {
	Path string
	Err  error // what bbolt reported (its lock timeout)
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("the data file %s is in use by another Samen process; stop it or set a different data directory (SAMEN_DATA_DIR)", e.Path)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// Unwrap returns bbolt's error.
func (e *LockedError) Unwrap() error { return e.Err }

// checkProcess rejects process ids that cannot form a Redis hash tag. Both
// backends apply it, so that they accept the same ids.
func checkProcess(p string) error {
	switch {
	case p == "":
		return errors.New("empty process id")
	case strings.ContainsAny(p, "{}"):
		return fmt.Errorf("process id %q contains '{' or '}'", p)
	}
	return nil
}

// checkKey rejects an empty index, set, member, ref or temp key.
func checkKey(what, k string) error {
	if k == "" {
		return fmt.Errorf("empty %s", what)
	}
	return nil
}

// checkLimit rejects a non-positive limit (a programming error).
func checkLimit(limit int) error {
	if limit <= 0 {
		return fmt.Errorf("limit %d must be positive", limit)
	}
	return nil
}
