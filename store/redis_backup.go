package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/samen-bot/samen/flows"
)

// BackupProcess reads everything of process p that a backup keeps (see
// flows.ProcessBackup). The log, snapshot, timer, outbox and refs are read
// in one MULTI/EXEC (one hash slot, so on a Cluster too): a consistent cut
// at one version while the bot goes on writing. The idempotency keys are
// scanned after it, so every key of a commit in the cut is found; keys of
// later commits are left out. It returns flows.ErrNotFound for a process
// without a commit.
func (r *Redis) BackupProcess(ctx context.Context, p string) (flows.ProcessBackup, error) {
	if err := checkProcess(p); err != nil {
		return flows.ProcessBackup{}, fmt.Errorf("back up: %w", err)
	}
	var (
		v    *redis.StringCmd
		log  *redis.StringSliceCmd
		snap *redis.SliceCmd
		due  *redis.StringCmd
		seq  *redis.StringCmd
		box  *redis.MapStringStringCmd
		q    *redis.StringSliceCmd
		refs *redis.MapStringStringCmd
	)
	_, err := r.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		v = pipe.Get(ctx, r.pkey(p, "v"))
		log = pipe.LRange(ctx, r.pkey(p, "log"), 0, -1)
		snap = pipe.HMGet(ctx, r.pkey(p, "snap"), "v", "data")
		due = pipe.Get(ctx, r.pkey(p, "due"))
		seq = pipe.Get(ctx, r.pkey(p, "outbox:seq"))
		box = pipe.HGetAll(ctx, r.pkey(p, "outbox"))
		q = pipe.ZRange(ctx, r.pkey(p, "outbox:q"), 0, -1)
		refs = pipe.HGetAll(ctx, r.pkey(p, "refs"))
		return nil
	})
	if isNil(v.Err()) {
		return flows.ProcessBackup{}, fmt.Errorf("back up %s: %w", p, flows.ErrNotFound)
	}
	if err != nil && !isNil(err) {
		return flows.ProcessBackup{}, fmt.Errorf("back up %s: %w", p, err)
	}
	out := flows.ProcessBackup{Process: p}
	version, err := strconv.ParseInt(v.Val(), 10, 64)
	if err != nil {
		return out, fmt.Errorf("back up %s: version %q: %w", p, v.Val(), err)
	}
	items := log.Val()
	if int64(len(items)) != version {
		return out, fmt.Errorf("back up %s: log has %d events, version %d", p, len(items), version)
	}
	out.Events = make([][]byte, len(items))
	for i, e := range items {
		out.Events[i] = []byte(e)
	}
	if s := snap.Val(); len(s) == 2 && s[0] != nil {
		sv, _ := s[0].(string)
		data, _ := s[1].(string)
		if out.SnapshotVersion, err = strconv.ParseInt(sv, 10, 64); err != nil {
			return out, fmt.Errorf("back up %s: snapshot version %q: %w", p, sv, err)
		}
		out.Snapshot = []byte(data)
	}
	if ms, err := strconv.ParseInt(due.Val(), 10, 64); err == nil && ms > 0 {
		out.NextDue = time.UnixMilli(ms).UTC()
	}
	if s, err := strconv.ParseInt(seq.Val(), 10, 64); err == nil {
		out.OutboxSeq = s
	}
	for _, s := range q.Val() {
		raw, ok := box.Val()[s]
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return out, fmt.Errorf("back up %s: outbox seq %q: %w", p, s, err)
		}
		chat, body, err := decodeOutbox([]byte(raw))
		if err != nil {
			return out, fmt.Errorf("back up %s: outbox entry %d: %w", p, n, err)
		}
		out.Outbox = append(out.Outbox, flows.OutboxEntry{Seq: n, Chat: chat, Body: body})
	}
	if len(refs.Val()) > 0 {
		out.Refs = refs.Val()
	}
	if out.Keys, err = r.backupKeys(ctx, p, version); err != nil {
		return out, fmt.Errorf("back up %s: %w", p, err)
	}
	return out, nil
}

// backupKeys reads the idempotency keys of p that belong to versions up to
// version and have not expired.
func (r *Redis) backupKeys(ctx context.Context, p string, version int64) ([]flows.KeyBackup, error) {
	prefix := r.pkey(p, "idem:")
	names, err := r.scanKeys(ctx, globEscape(prefix)+"*")
	if err != nil {
		return nil, err
	}
	var keys []flows.KeyBackup
	for len(names) > 0 {
		n := min(500, len(names))
		pipe := r.client.Pipeline()
		vals := make([]*redis.SliceCmd, n)
		ttls := make([]*redis.DurationCmd, n)
		for i, k := range names[:n] {
			vals[i] = pipe.HMGet(ctx, k, "v", "r")
			ttls[i] = pipe.PTTL(ctx, k)
		}
		now := time.Now()
		if _, err := pipe.Exec(ctx); err != nil && !isNil(err) {
			return nil, err
		}
		for i, k := range names[:n] {
			vr, ttl := vals[i].Val(), ttls[i].Val()
			if len(vr) != 2 || vr[0] == nil || ttl <= 0 {
				continue // expired meanwhile (or kept without expiry: never written so)
			}
			sv, _ := vr[0].(string)
			res, _ := vr[1].(string)
			kv, err := strconv.ParseInt(sv, 10, 64)
			if err != nil || kv > version {
				continue // a commit after the cut
			}
			keys = append(keys, flows.KeyBackup{
				Key:     strings.TrimPrefix(k, prefix),
				Expires: now.Add(ttl).Truncate(time.Millisecond).UTC(),
				Version: kv,
				Result:  []byte(res),
			})
		}
		names = names[n:]
	}
	return keys, nil
}

// RestoreProcess writes a process from a backup with one Lua script
// (restore.lua): its log exactly as it was, snapshot, timer, unsent outbox
// entries, message refs and idempotency keys not yet expired. If the
// process exists it fails with flows.ErrProcessExists, unless force is set:
// then every key of the process is replaced. The cross-process hints are
// written after the script.
func (r *Redis) RestoreProcess(ctx context.Context, in flows.ProcessBackup, force bool) error {
	if err := checkRestore(&in); err != nil {
		return err
	}
	p := in.Process
	keys := []string{
		r.pkey(p, "v"), r.pkey(p, "log"), r.pkey(p, "snap"), r.pkey(p, "outbox"),
		r.pkey(p, "outbox:q"), r.pkey(p, "outbox:seq"), r.pkey(p, "refs"), r.pkey(p, "due"),
	}
	due := "0"
	if !in.NextDue.IsZero() {
		due = strconv.FormatInt(dueMillis(in.NextDue), 10)
	}
	hasSnap := "0"
	if in.Snapshot != nil {
		hasSnap = "1"
	}
	forced := "0"
	if force {
		forced = "1"
	}
	args := []any{forced, strconv.FormatInt(in.Version(), 10), hasSnap,
		strconv.FormatInt(in.SnapshotVersion, 10), bytesArg(in.Snapshot), due,
		strconv.FormatInt(in.OutboxSeq, 10), strconv.Itoa(len(in.Events))}
	for _, e := range in.Events {
		args = append(args, bytesArg(e))
	}
	args = append(args, strconv.Itoa(len(in.Outbox)))
	for _, o := range in.Outbox {
		args = append(args, strconv.FormatInt(o.Seq, 10), encodeOutbox(o.Chat, o.Body))
	}
	args = append(args, strconv.Itoa(len(in.Refs)))
	for ref, id := range in.Refs {
		if err := checkKey("ref", ref); err != nil {
			return fmt.Errorf("restore %s: %w", p, err)
		}
		args = append(args, ref, id)
	}
	now := time.Now()
	var live []flows.KeyBackup
	for _, k := range in.Keys {
		if k.Expires.UnixMilli() > now.UnixMilli() {
			live = append(live, k)
		}
	}
	args = append(args, strconv.Itoa(len(live)))
	for _, k := range live {
		keys = append(keys, r.pkey(p, "idem:"+k.Key))
		args = append(args, strconv.FormatInt(k.Version, 10), bytesArg(k.Result), strconv.FormatInt(k.Expires.UnixMilli(), 10))
	}
	if force {
		old, err := r.scanKeys(ctx, globEscape(r.pkey(p, ""))+"*")
		if err != nil {
			return fmt.Errorf("restore %s: %w", p, err)
		}
		keys = append(keys, old...)
	}
	res, err := restoreScript.Run(ctx, r.client, keys, args...).Int64()
	if err != nil {
		return fmt.Errorf("restore %s: %w", p, err)
	}
	if res == 1 {
		return fmt.Errorf("restore: %w: %s", flows.ErrProcessExists, p)
	}
	pipe := r.client.Pipeline()
	pipe.SAdd(ctx, r.gkey("processes"), p)
	if due != "0" {
		pipe.ZAdd(ctx, r.gkey("due"), redis.Z{Score: float64(dueMillis(in.NextDue)), Member: p})
	}
	if len(in.Outbox) > 0 {
		pipe.SAdd(ctx, r.gkey("outbox"), p)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("restore %s: write hints: %w", p, err)
	}
	return nil
}

// BackupShared reads every index entry, set and live temporary value (SCAN;
// not one cut, as these entries are independent of each other).
func (r *Redis) BackupShared(ctx context.Context) (flows.SharedBackup, error) {
	out := flows.SharedBackup{Indexes: map[string]string{}, Sets: map[string][]string{}}
	idx, err := r.scanKeys(ctx, globEscape(r.gkey("idx:"))+"*")
	if err != nil {
		return out, fmt.Errorf("back up indexes: %w", err)
	}
	for _, k := range idx {
		v, err := r.client.Get(ctx, k).Result()
		if isNil(err) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("back up index %s: %w", k, err)
		}
		out.Indexes[strings.TrimPrefix(k, r.gkey("idx:"))] = v
	}
	sets, err := r.scanKeys(ctx, globEscape(r.gkey("set:"))+"*")
	if err != nil {
		return out, fmt.Errorf("back up sets: %w", err)
	}
	for _, k := range sets {
		members, err := r.scanSet(ctx, k)
		if err != nil {
			return out, fmt.Errorf("back up set %s: %w", k, err)
		}
		if len(members) > 0 {
			out.Sets[strings.TrimPrefix(k, r.gkey("set:"))] = members
		}
	}
	temps, err := r.scanKeys(ctx, globEscape(r.gkey("tmp:"))+"*")
	if err != nil {
		return out, fmt.Errorf("back up temporary values: %w", err)
	}
	for _, k := range temps {
		now := time.Now()
		pipe := r.client.Pipeline()
		val := pipe.Get(ctx, k)
		ttl := pipe.PTTL(ctx, k)
		if _, err := pipe.Exec(ctx); err != nil && !isNil(err) {
			return out, fmt.Errorf("back up temporary value %s: %w", k, err)
		}
		if val.Err() != nil || ttl.Val() <= 0 {
			continue
		}
		out.Temps = append(out.Temps, flows.TempBackup{
			Key:     strings.TrimPrefix(k, r.gkey("tmp:")),
			Value:   []byte(val.Val()),
			Expires: now.Add(ttl.Val()).Truncate(time.Millisecond).UTC(),
		})
	}
	return out, nil
}

// RestoreShared writes index entries, set members and temporary values from
// a backup over what is there (nothing is removed). Temporary values keep
// their expiry; those already expired are left out.
func (r *Redis) RestoreShared(ctx context.Context, s flows.SharedBackup) error {
	pipe := r.client.Pipeline()
	for k, v := range s.Indexes {
		if err := checkKey("index key", k); err != nil {
			return fmt.Errorf("restore indexes: %w", err)
		}
		pipe.Set(ctx, r.gkey("idx:"+k), v, 0)
	}
	for k, members := range s.Sets {
		for _, m := range members {
			if err := checkSet(k, m); err != nil {
				return fmt.Errorf("restore sets: %w", err)
			}
		}
		if len(members) > 0 {
			args := make([]any, len(members))
			for i, m := range members {
				args[i] = m
			}
			pipe.SAdd(ctx, r.gkey("set:"+k), args...)
		}
	}
	now := time.Now()
	for _, t := range s.Temps {
		if err := checkKey("temp key", t.Key); err != nil {
			return fmt.Errorf("restore temporary values: %w", err)
		}
		if t.Expires.UnixMilli() <= now.UnixMilli() {
			continue
		}
		pipe.Do(ctx, "SET", r.gkey("tmp:"+t.Key), bytesArg(t.Value), "PXAT", t.Expires.UnixMilli())
	}
	if pipe.Len() == 0 {
		return nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("restore indexes: %w", err)
	}
	return nil
}
