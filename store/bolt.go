package store

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"go.etcd.io/bbolt"
	bberrors "go.etcd.io/bbolt/errors"
)

// BoltOptions configures OpenBolt.
type BoltOptions struct {
	// LockTimeout is how long OpenBolt waits for the data file's lock before
	// it gives up with an error matching ErrLocked (default 2s).
	LockTimeout time.Duration
	// Now is the clock for the expiry of temporary values and idempotency
	// keys (default time.Now). Tests inject a fake clock here.
	Now func() time.Time
}

// DefaultLockTimeout is the LockTimeout used when BoltOptions leaves it zero.
const DefaultLockTimeout = 2 * time.Second

// Bolt is the embedded store: one bbolt file, used by one Samen process at a
// time. Its methods are safe for concurrent use.
//
// Layout (bucket paths; numbers are 8-byte big-endian):
//
//	procs/<P>/meta     v, snapv, snap, due (unix ms), seq
//	procs/<P>/log      version → event
//	procs/<P>/idem     key → expiry (unix ns) ‖ version ‖ result
//	procs/<P>/outbox   seq → "<len(chat)>:<chat><body>"
//	procs/<P>/refs     ref → message id
//	due                due (unix ms) ‖ P → ""
//	outbox             P → ""   (processes with pending entries)
//	idem-exp           expiry ‖ len(P) (4 bytes) ‖ P ‖ key → ""
//	index              key → value
//	sets/<key>         member → ""
//	temp               key → expiry ‖ value
//	temp-exp           expiry ‖ key → ""
//
// Unlike the Redis backend, the due and outbox buckets are exact: they are
// written in the same transaction as the process.
type Bolt struct {
	db    *bbolt.DB
	path  string
	now   func() time.Time
	owner bool // Close closes db only when set

	mu           sync.Mutex
	outboxCursor []byte // where OutboxProcesses goes on, for fairness
}

// Bucket and key names.
var (
	bProcs   = []byte("procs")
	bMeta    = []byte("meta")
	bLog     = []byte("log")
	bIdem    = []byte("idem")
	bOutboxP = []byte("outbox") // per process, under procs/<P>
	bRefs    = []byte("refs")

	bDue     = []byte("due")
	bOutbox  = []byte("outbox") // top level: the processes with pending entries
	bIdemExp = []byte("idem-exp")
	bIndex   = []byte("index")
	bSets    = []byte("sets")
	bTemp    = []byte("temp")
	bTempExp = []byte("temp-exp")

	kVersion  = []byte("v")
	kSnapVer  = []byte("snapv")
	kSnapshot = []byte("snap")
	kDue      = []byte("due")
	kSeq      = []byte("seq")

	topBuckets  = [][]byte{bProcs, bDue, bOutbox, bIdemExp, bIndex, bSets, bTemp, bTempExp}
	procBuckets = [][]byte{bMeta, bLog, bIdem, bOutboxP, bRefs}
)

// OpenBolt opens (creating if needed) the data file at path. If another
// process holds the file, it fails after opts.LockTimeout with a
// *LockedError (errors.Is ErrLocked) instead of waiting for ever.
//
// A file can be opened only once at a time, even within one process: a
// second OpenBolt of the same path fails with ErrLocked too.
func OpenBolt(path string, opts BoltOptions) (*Bolt, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: opts.LockTimeout})
	if err != nil {
		if errors.Is(err, bberrors.ErrTimeout) {
			return nil, &LockedError{Path: path, Err: err}
		}
		return nil, fmt.Errorf("open data file %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range topBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		// The file is open in one process at a time, so a lease in it was
		// held by one that has stopped (a process killed does not release
		// its leases): it is free now, not in its term's remainder.
		if err := tx.DeleteBucket(bLease); err != nil && !errors.Is(err, bberrors.ErrBucketNotFound) {
			return fmt.Errorf("free leases: %w", err)
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open data file %s: %w", path, err)
	}
	return &Bolt{db: db, path: path, now: opts.Now, owner: true}, nil
}

// Close closes the data file.
func (b *Bolt) Close() error {
	if !b.owner {
		return nil
	}
	if err := b.db.Close(); err != nil {
		return fmt.Errorf("close data file %s: %w", b.path, err)
	}
	return nil
}

// errRollback makes db.Update roll back a transaction that decided to write
// nothing (a replay or a conflict); the outcome travels in closure variables.
var errRollback = errors.New("rollback")

// getInt reads a big-endian number; a missing key reads as 0.
func getInt(b *bbolt.Bucket, k []byte) int64 {
	v := b.Get(k)
	if len(v) != 8 {
		return 0
	}
	return int64(be64dec(v))
}

func putInt(b *bbolt.Bucket, k []byte, n int64) error {
	return b.Put(k, be64(uint64(n)))
}

// procBucket returns the bucket of process p, or nil if p has no commit.
func procBucket(tx *bbolt.Tx, p string) *bbolt.Bucket {
	return tx.Bucket(bProcs).Bucket([]byte(p))
}

// clone copies a value out of a transaction (bbolt's slices die with it).
func clone(v []byte) []byte {
	if v == nil {
		return nil
	}
	return append([]byte{}, v...)
}
