// Package store keeps Samen's state: an append-only event log per process,
// plus the little that lives beside it (snapshots, outbox, timer index,
// idempotency keys, cross-process indexes and short-lived values).
//
// Two backends implement the same contract, the one that
// [github.com/samen-bot/samen/store/storetest.Store] states and its
// conformance suite checks:
//
//   - [Redis], for deployments with a Redis server (standalone, Sentinel or
//     Cluster), built with [OpenRedis], [OpenRedisMode] (a Cluster or a
//     Sentinel-managed master from go-redis's URL forms) or [NewRedis];
//   - [Bolt], an embedded single-file store for a single Samen process,
//     built with [OpenBolt].
//
// An append is one atomic step: the idempotency key is checked first (a key
// committed before returns the original result, whatever the expected
// version), then the expected version, and only then are the events,
// snapshot, outbox entries and timer entry written, together. In Redis that
// step is one Lua script touching only keys under the process's hash tag
// (samen:{p123}:…), so it stays atomic on a Redis Cluster; in the embedded
// store it is one bbolt read-write transaction.
//
// Events, snapshots, outbox bodies and results are opaque bytes: the store
// never interprets them and round-trips any byte, NUL and invalid UTF-8
// included.
//
// Process ids must be non-empty and must not contain '{' or '}' (they form
// the Redis hash tag); both backends reject them alike. Index, set and
// temporary-value keys must be non-empty.
//
// Due times are kept with millisecond precision, rounded up: a process is
// never reported due before its NextDue, at most a millisecond after.
package store
