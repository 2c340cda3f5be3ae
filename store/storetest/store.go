// Package storetest is the conformance suite every store backend must pass.
// Run it from a backend's tests with a function that gives a fresh, empty
// store for each subtest:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Harness {
//			// set up empty data for this subtest
//			return storetest.Harness{Open: func(t *testing.T) storetest.Store { … }}
//		})
//	}
//
// See Harness for what Open and Advance must do.
package storetest

import (
	"context"
	"time"

	"github.com/samen-bot/samen/flows"
)

// Store is the full contract of a backend, as the suite tests it. The bot
// declares the smaller interfaces it uses; a backend satisfies them all.
type Store interface {
	// Append writes c atomically. If c.Key was committed before (and has not
	// expired) nothing is written and the original AppendResult is returned
	// with Replayed set, whatever c.Expected is. Otherwise, if the log is not
	// at c.Expected, it returns a *flows.ConflictError (errors.Is
	// flows.ErrVersionConflict) and writes nothing. A malformed commit
	// returns an error from c.Validate.
	Append(ctx context.Context, c flows.Commit) (flows.AppendResult, error)

	// Load returns the latest snapshot and the events after it. It returns
	// flows.ErrNotFound for a process that has no commit.
	Load(ctx context.Context, process string) (flows.History, error)

	// ReadLog returns up to limit encoded events starting at version from
	// (1-based), in order. Past the end it returns an empty slice.
	ReadLog(ctx context.Context, process string, from int64, limit int) ([][]byte, error)

	// RewriteLog replaces events of a log in place (see flows.Rewrite), in
	// one atomic step: each event at version v in rw.Events replaces the
	// stored event v (other versions stay), and rw.Snapshot becomes the
	// snapshot at version rw.Expected, so that Load gives it with no events
	// after it. The outbox, message refs, due time and idempotency keys are
	// left as they are. A malformed rewrite returns an error from
	// rw.Validate and writes nothing; a process that has no commit gives
	// flows.ErrNotFound (errors.Is); if the log is not at rw.Expected it
	// returns a *flows.ConflictError (errors.Is flows.ErrVersionConflict)
	// and writes nothing.
	RewriteLog(ctx context.Context, rw flows.Rewrite) error

	// DeleteProcess removes everything of a process: its log, version,
	// snapshot, outbox (pending entries and sequence), message refs, due
	// time and idempotency keys. Afterwards Load gives flows.ErrNotFound,
	// ReadLog and PendingOutbox nothing, MessageRef flows.ErrNotFound;
	// Processes and Due do not list it (OutboxProcesses may, as a hint with
	// no pending entries); and an Append with Expected 0 creates it anew,
	// with no key of the old process replayed. Index entries, sets,
	// temporary values, leases and other processes are left as they are,
	// even those that name the process. A process that does not exist is
	// not an error; an invalid process id is.
	DeleteProcess(ctx context.Context, process string) error

	// Processes lists every process that has a commit, in no particular order.
	Processes(ctx context.Context) ([]string, error)

	// PendingOutbox returns up to limit unsent entries of a process in Seq order.
	PendingOutbox(ctx context.Context, process string, limit int) ([]flows.OutboxEntry, error)
	// MarkSent removes an entry from the pending outbox and, if s.Ref is set,
	// records s.MessageID under it. Marking an entry twice is not an error.
	MarkSent(ctx context.Context, s flows.Sent) error
	// MessageRef returns the message id recorded under ref, or flows.ErrNotFound.
	MessageRef(ctx context.Context, process, ref string) (string, error)
	// OutboxProcesses lists up to limit processes that may have pending
	// outbox entries (a hint: a listed process may turn out to have none).
	OutboxProcesses(ctx context.Context, limit int) ([]string, error)

	// Due lists up to limit processes whose NextDue is at or before now, earliest first.
	Due(ctx context.Context, now time.Time, limit int) ([]flows.DueProcess, error)

	// SetIndex stores a cross-process index entry (chat → process, code →
	// process, …). Writing the same value again is not an error.
	SetIndex(ctx context.Context, key, value string) error
	// Index returns the value under key, or flows.ErrNotFound.
	Index(ctx context.Context, key string) (string, error)
	// DeleteIndex removes key; a missing key is not an error.
	DeleteIndex(ctx context.Context, key string) error
	// AddToSet adds member to the set under key (idempotent).
	AddToSet(ctx context.Context, key, member string) error
	// RemoveFromSet removes member from the set under key (idempotent).
	RemoveFromSet(ctx context.Context, key, member string) error
	// SetMembers returns the members of the set under key, sorted; an empty or
	// missing set gives an empty slice.
	SetMembers(ctx context.Context, key string) ([]string, error)

	// PutTemp stores a short-lived value (pending input, a claim in progress)
	// that disappears after ttl.
	PutTemp(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Temp returns a value stored with PutTemp, or flows.ErrNotFound if it is
	// missing or expired.
	Temp(ctx context.Context, key string) ([]byte, error)
	// DeleteTemp removes a temporary value; a missing key is not an error.
	DeleteTemp(ctx context.Context, key string) error
	// AddTemp stores a short-lived value unless key holds one that has not
	// expired, atomically: of many concurrent calls for one key exactly
	// one reports true.
	AddTemp(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)

	// Lease takes the lease name for holder for ttl if no other holder has
	// it (or theirs expired), or renews it if holder has it, atomically,
	// and reports whether holder holds it now: of many concurrent calls
	// by different holders exactly one reports true.
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease frees name if holder holds it; otherwise it does nothing.
	ReleaseLease(ctx context.Context, name, holder string) error

	// Dump calls fn for every key the store holds, with a readable rendering
	// of its value. It exists so tests (and operators) can check that nothing
	// is stored that should not be.
	Dump(ctx context.Context, fn func(key string, value []byte) error) error

	// BackupProcess returns everything of a process that a backup keeps
	// (see flows.ProcessBackup), read as one consistent cut at one version
	// (later commits are left out whole, idempotency keys included). It
	// returns flows.ErrNotFound for a process that has no commit.
	BackupProcess(ctx context.Context, process string) (flows.ProcessBackup, error)
	// RestoreProcess writes a process from a backup atomically, so that
	// Load, ReadLog, PendingOutbox, MessageRef, Due and idempotent replays
	// give what they gave for the original, and appends go on from its
	// version and outbox sequence. A process that has a commit is refused
	// with flows.ErrProcessExists (errors.Is) and left as it is, unless
	// force is set: then it is replaced as a whole.
	RestoreProcess(ctx context.Context, b flows.ProcessBackup, force bool) error
	// BackupShared returns every index entry, set and temporary value that
	// has not expired.
	BackupShared(ctx context.Context) (flows.SharedBackup, error)
	// RestoreShared writes them over what is there (removing nothing);
	// temporary values keep their expiry.
	RestoreShared(ctx context.Context, s flows.SharedBackup) error

	// Close releases the store.
	Close() error
}
