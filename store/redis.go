package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// RedisOptions configures a Redis store.
type RedisOptions struct {
	// Prefix starts every key (default "samen"). It must not contain '{' or
	// '}': the process id is the keys' hash tag.
	Prefix string
}

// DefaultPrefix is the key prefix used when RedisOptions leaves it empty.
const DefaultPrefix = "samen"

// Redis is the store on a Redis server, standalone, behind Sentinel or a
// Cluster. Its methods are safe for concurrent use.
//
// Key layout (prefix "samen", P the process id):
//
//	samen:{P}:v            the log's version
//	samen:{P}:log          list of events (index i = version i+1)
//	samen:{P}:snap         hash {v, data}
//	samen:{P}:idem:<key>   hash {v, r}: the result of a commit; expires at Commit.KeyExpires
//	samen:{P}:outbox       hash seq → "<len(chat)>:<chat><body>"
//	samen:{P}:outbox:q     zset of pending seqs
//	samen:{P}:outbox:seq   the last seq given out
//	samen:{P}:refs         hash ref → message id
//	samen:{P}:due          the authoritative next due time (unix ms)
//	samen:processes        set of processes (hint)
//	samen:due              zset process → due (unix ms) (hint)
//	samen:outbox           set of processes with pending entries (hint)
//	samen:idx:<key>        index values
//	samen:set:<key>        sets
//	samen:tmp:<key>        temporary values (PX ttl)
//	samen:lease:<name>     the holder of a lease (PX ttl)
//
// Everything one commit changes is under the hash tag {P} and written by one
// Lua script. The three hints span processes, so a Cluster cannot update
// them in the same script; they are written right after the script,
// idempotently, and every reader checks them against the authoritative
// per-process keys and repairs them. The hints are kept conservative: a
// hint may name a process that has nothing to do, but a process with
// something to do is never missing from its hint, as long as Append
// returned without error (if Append fails, the caller retries it with the
// same Key: the replay writes the hints again).
type Redis struct {
	client redis.UniversalClient
	prefix string
	owner  bool // Close closes client only when set
	// ordered is set for clients whose pipeline runs on one connection, in
	// order (*redis.Client, including Sentinel failover clients): Append then
	// sends the script and the hints in one round trip. A Cluster or Ring
	// pipeline may run the hints on another node before the script, so Append
	// waits for the script first there.
	ordered bool
}

// NewRedis wraps a client built by the caller (a Cluster or Sentinel client,
// say). Close does not close it. The scripts are loaded on first use.
func NewRedis(client redis.UniversalClient, opts RedisOptions) *Redis {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	_, ordered := client.(*redis.Client)
	return &Redis{client: client, prefix: opts.Prefix, ordered: ordered}
}

func checkPrefix(prefix string) error {
	if strings.ContainsAny(prefix, "{}") {
		return fmt.Errorf("key prefix %q contains '{' or '}'", prefix)
	}
	return nil
}

// Close closes the client if OpenRedis created it.
func (r *Redis) Close() error {
	if !r.owner {
		return nil
	}
	if err := r.client.Close(); err != nil {
		return fmt.Errorf("close redis: %w", err)
	}
	return nil
}

// String names the store for logs (without any password).
func (r *Redis) String() string { return "redis prefix " + r.prefix }

// pkey is the key of one part of process p: prefix:{p}:part.
func (r *Redis) pkey(p, part string) string { return r.prefix + ":{" + p + "}:" + part }

// gkey is a key outside any process: prefix:part.
func (r *Redis) gkey(part string) string { return r.prefix + ":" + part }

// isNil reports redis.Nil (a missing key or field).
func isNil(err error) bool { return errors.Is(err, redis.Nil) }
