package flows

import (
	"errors"
	"fmt"
	"time"
)

// ProcessBackup is one process as a backup holds it, independent of any
// store's key layout. What is in it, and why:
//
//   - Events: the whole log, versions 1..len(Events). It is the record; the
//     process's state is its fold.
//   - Snapshot and SnapshotVersion: the latest snapshot. Derivable (it is the
//     fold at SnapshotVersion), kept so that a restored store loads the same
//     History; a restore may check it against the fold.
//   - NextDue: the timer entry (derivable from the state, but the engine
//     computes it only on its next commit, so it is kept).
//   - OutboxSeq and Outbox: the unsent messages with their sequence numbers,
//     and the last number given out. Not derivable: a message the bot has
//     committed to send must still be sent after a restore.
//   - Refs: the platform message ids of sent messages that later edits
//     update (a progress line). Not derivable; without them an edit would
//     go nowhere.
//   - Keys: the idempotency keys that have not expired, with their results
//     and expiry. Not derivable; without them an update redelivered after a
//     restore could be recorded twice. They are small and expire by
//     themselves.
type ProcessBackup struct {
	Process         string            `json:"process"`
	Events          [][]byte          `json:"events"`
	Snapshot        []byte            `json:"snapshot,omitempty"`
	SnapshotVersion int64             `json:"snapshot_version,omitempty"`
	NextDue         time.Time         `json:"next_due,omitzero"`
	OutboxSeq       int64             `json:"outbox_seq,omitempty"`
	Outbox          []OutboxEntry     `json:"outbox,omitempty"`
	Refs            map[string]string `json:"refs,omitempty"`
	Keys            []KeyBackup       `json:"keys,omitempty"`
}

// Version is the log's version in the backup.
func (b *ProcessBackup) Version() int64 { return int64(len(b.Events)) }

// KeyBackup is one idempotency key of a process.
type KeyBackup struct {
	Key     string    `json:"key"`
	Expires time.Time `json:"expires"`
	Version int64     `json:"version"`
	Result  []byte    `json:"result"`
}

// SharedBackup is what a store keeps outside any process: the index
// entries, the sets and the temporary values that have not expired (with
// their expiry). Some of it is derivable from the logs (chat, code and
// membership indexes: bot.RepairIndexes), much is not (a person's language
// and current process, the ids of sent round messages, the playground's
// people and rooms, the platforms' offsets and pending updates, pending
// private input, spent dashboard links), so all of it is kept: it is small.
type SharedBackup struct {
	Indexes map[string]string   `json:"indexes,omitempty"`
	Sets    map[string][]string `json:"sets,omitempty"`
	Temps   []TempBackup        `json:"temps,omitempty"`
}

// TempBackup is one temporary value and when it expires.
type TempBackup struct {
	Key     string    `json:"key"`
	Value   []byte    `json:"value"`
	Expires time.Time `json:"expires"`
}

// ErrProcessExists is returned (wrapped) by a store's RestoreProcess when
// the process already has a commit and the restore is not forced.
var ErrProcessExists = errors.New("process exists")

// Check reports a backup that no store should accept: a malformed process
// id is for the store to refuse; this checks that the parts agree.
func (b *ProcessBackup) Check() error {
	v := b.Version()
	switch {
	case b.Process == "":
		return errors.New("backup without process id")
	case b.SnapshotVersion < 0 || b.SnapshotVersion > v:
		return fmt.Errorf("backup of %s: snapshot version %d outside the log (1..%d)", b.Process, b.SnapshotVersion, v)
	case (b.Snapshot == nil) != (b.SnapshotVersion == 0):
		return fmt.Errorf("backup of %s: snapshot and its version disagree", b.Process)
	case b.OutboxSeq < 0:
		return fmt.Errorf("backup of %s: negative outbox sequence", b.Process)
	}
	var last int64
	for _, o := range b.Outbox {
		if o.Seq <= last || o.Seq > b.OutboxSeq {
			return fmt.Errorf("backup of %s: outbox entry %d out of order or past sequence %d", b.Process, o.Seq, b.OutboxSeq)
		}
		last = o.Seq
	}
	for _, k := range b.Keys {
		if k.Key == "" || k.Version < 0 || k.Version > v {
			return fmt.Errorf("backup of %s: idempotency key %q with version %d outside the log", b.Process, k.Key, k.Version)
		}
	}
	return nil
}
