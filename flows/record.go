package flows

import (
	"errors"
	"fmt"
	"time"
)

// This file holds the persistence contract: what one action changes in a
// process, and what a store gives back. Stores treat events, snapshots and
// outbox bodies as opaque bytes; the bot encodes and decodes them.

// ErrNotFound is returned by a store when a process, index key or temporary
// value does not exist.
var ErrNotFound = errors.New("not found")

// ErrVersionConflict is returned (wrapped in a *ConflictError) when a commit
// expected another version of the log than the one stored.
var ErrVersionConflict = errors.New("version conflict")

// ConflictError reports the version the log actually had.
type ConflictError struct {
	Process  string
	Expected int64
	Current  int64
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("process %s: expected version %d, log is at %d", e.Process, e.Expected, e.Current)
}

// Is makes errors.Is(err, ErrVersionConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrVersionConflict }

// MinKeyTTL is how long an idempotency key is remembered at least: long
// enough for any platform to stop redelivering an update.
const MinKeyTTL = 7 * 24 * time.Hour

// Commit is everything one action changes in one process. A store writes it
// in one atomic step: first the idempotency key is checked (a key seen before
// returns the original result, whatever Expected says), then the expected
// version, then the events, snapshot, outbox entries and timer entry are
// written together.
type Commit struct {
	// Process is the process id; every key the commit touches carries it.
	Process string
	// Key is the idempotency key of the action (required).
	Key string
	// KeyExpires is when the store may forget Key (at least MinKeyTTL ahead).
	KeyExpires time.Time
	// Expected is the version the log must be at before this commit (0 for a
	// new process).
	Expected int64
	// Events are the encoded events; they get versions Expected+1 … Expected+len(Events).
	Events [][]byte
	// Snapshot, if not nil, is the encoded state at version Expected+len(Events).
	Snapshot []byte
	// Outbox holds messages to send; the store assigns each a sequence number.
	Outbox []OutboxEntry
	// NextDue is when the engine next needs asking about timers; zero means never.
	NextDue time.Time
	// Result is kept with Key and returned verbatim when Key is replayed.
	Result []byte
}

// Validate reports a malformed commit (a programming error, not a user error).
func (c *Commit) Validate() error {
	switch {
	case c.Process == "":
		return errors.New("commit without process")
	case c.Key == "":
		return errors.New("commit without idempotency key")
	case c.Expected < 0:
		return errors.New("commit with negative expected version")
	case len(c.Events) == 0 && len(c.Outbox) == 0:
		return errors.New("commit without events or outbox entries")
	}
	return nil
}

// AppendResult is what a store reports for a commit.
type AppendResult struct {
	// Version is the log's version right after the commit (for a replay:
	// right after the original commit).
	Version int64
	// Replayed is true when Key had been committed before; nothing was written.
	Replayed bool
	// Result is the original commit's Result.
	Result []byte
}

// History is what a store loads for a process: the latest snapshot and the
// events after it.
type History struct {
	Version         int64    // the log's current version
	Snapshot        []byte   // nil if no snapshot was written yet
	SnapshotVersion int64    // version the snapshot reflects (0 without one)
	Events          [][]byte // versions SnapshotVersion+1 … Version
}

// OutboxEntry is one outbound operation waiting to be sent. Entries of one
// process are sent in Seq order per Chat.
type OutboxEntry struct {
	Seq  int64  // assigned by the store, increasing per process
	Chat string // destination key, for ordering per chat
	Body []byte // the encoded operation
}

// Sent records that an outbox entry was delivered. If Ref is set, the
// platform's message id is kept under it so that later edits can find the
// message.
type Sent struct {
	Process   string
	Seq       int64
	Ref       string
	MessageID string
}

// DueProcess is a process whose timers need the engine's attention.
type DueProcess struct {
	Process string
	At      time.Time
}
