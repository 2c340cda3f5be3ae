package bot

import (
	"context"
	"time"

	"github.com/samen-bot/samen/flows"
)

// Store is what the bot needs from a store backend (package store provides
// Redis and bbolt). Contracts are stated in store/storetest, which every
// backend passes.
type Store interface {
	EventLog
	Outbox
	Indexes
	Temps
	Leases
}

// EventLog holds each process's log, snapshot and timer entry.
type EventLog interface {
	Append(ctx context.Context, c flows.Commit) (flows.AppendResult, error)
	Load(ctx context.Context, process string) (flows.History, error)
	Due(ctx context.Context, now time.Time, limit int) ([]flows.DueProcess, error)
	ReadLog(ctx context.Context, process string, from int64, limit int) ([][]byte, error)
	Processes(ctx context.Context) ([]string, error)
	// RewriteLog replaces events in place (erasure only), atomically, if the
	// log is still at rw.Expected; otherwise a *flows.ConflictError.
	RewriteLog(ctx context.Context, rw flows.Rewrite) error
	// DeleteProcess removes everything of a process (retention).
	DeleteProcess(ctx context.Context, process string) error
}

// Outbox holds messages waiting to be sent.
type Outbox interface {
	PendingOutbox(ctx context.Context, process string, limit int) ([]flows.OutboxEntry, error)
	MarkSent(ctx context.Context, s flows.Sent) error
	MessageRef(ctx context.Context, process, ref string) (string, error)
	OutboxProcesses(ctx context.Context, limit int) ([]string, error)
}

// Indexes are the cross-process lookups: chat → process, code → process,
// user → processes, a person's language.
type Indexes interface {
	SetIndex(ctx context.Context, key, value string) error
	Index(ctx context.Context, key string) (string, error)
	DeleteIndex(ctx context.Context, key string) error
	AddToSet(ctx context.Context, key, member string) error
	RemoveFromSet(ctx context.Context, key, member string) error
	SetMembers(ctx context.Context, key string) ([]string, error)
}

// Temps are short-lived values: pending private answers.
type Temps interface {
	PutTemp(ctx context.Context, key string, value []byte, ttl time.Duration) error
	Temp(ctx context.Context, key string) ([]byte, error)
	DeleteTemp(ctx context.Context, key string) error
	// AddTemp stores value unless key holds a live value, atomically, and
	// reports whether it stored (a link spent once).
	AddTemp(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
}

// Leases are named claims held by one instance at a time, until they are
// released or their ttl runs out (the holder died): the poller's, a
// process's outbox sender's, an update's handler's. Instances sharing a
// store use them so that only one of them does a thing.
type Leases interface {
	// Lease takes name for holder for ttl if nobody else holds it, or
	// renews it if holder does, atomically, and reports whether holder
	// holds it now.
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease frees name if holder holds it.
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Index keys. Values written under them are repairable from the logs.
func chatKey(chat flows.ChatID) string       { return "chat:" + string(chat) }
func codeKey(hash string) string             { return "code:" + hash }
func userProcessesKey(u flows.UserID) string { return "user:" + string(u) + ":processes" }
func currentKey(u flows.UserID) string       { return "user:" + string(u) + ":current" }
func langKey(u flows.UserID) string          { return "user:" + string(u) + ":lang" }
func awaitKey(u flows.UserID) string         { return "await:" + string(u) }

// messageKey names a message the bot sent, by where and its platform id. It
// is written by the sender after delivery (a round's messages only), so a
// reply to a round's message finds its round.
func messageKey(d flows.Dest, id string) string { return "msg:" + d.Key() + ":" + id }
