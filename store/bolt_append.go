package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/samen-bot/samen/flows"
)

// Append writes c in one bbolt transaction: idempotency key first, expected
// version second, then the events, snapshot, outbox entries, due index and
// the key itself. A replay or a conflict rolls the transaction back.
func (b *Bolt) Append(ctx context.Context, c flows.Commit) (flows.AppendResult, error) {
	if err := validateCommit(c); err != nil {
		return flows.AppendResult{}, fmt.Errorf("append to %s: %w", c.Process, err)
	}
	if err := ctx.Err(); err != nil {
		return flows.AppendResult{}, fmt.Errorf("append to %s: %w", c.Process, err)
	}
	var (
		res      flows.AppendResult
		conflict *flows.ConflictError
	)
	err := b.db.Update(func(tx *bbolt.Tx) error {
		now := b.now()
		pb := procBucket(tx, c.Process)
		var cur int64
		var stale *idemRecord // an expired record of the same key, to replace
		if pb != nil {
			if raw := pb.Bucket(bIdem).Get([]byte(c.Key)); raw != nil {
				rec, err := decodeIdem(raw)
				if err != nil {
					return fmt.Errorf("idempotency key %q: %w", c.Key, err)
				}
				if rec.expires.After(now) {
					res = flows.AppendResult{Version: rec.version, Replayed: true, Result: rec.result}
					return errRollback
				}
				stale = &rec
			}
			cur = getInt(pb.Bucket(bMeta), kVersion)
		}
		if cur != c.Expected {
			conflict = &flows.ConflictError{Process: c.Process, Expected: c.Expected, Current: cur}
			return errRollback
		}
		if pb == nil {
			var err error
			if pb, err = createProc(tx, c.Process); err != nil {
				return err
			}
		}
		version, err := writeCommit(tx, pb, c, cur)
		if err != nil {
			return err
		}
		if err := writeIdem(tx, pb, c, version, stale, now); err != nil {
			return err
		}
		res = flows.AppendResult{Version: version, Result: clone(c.Result)}
		return purgeExpired(tx, now)
	})
	switch {
	case conflict != nil:
		return flows.AppendResult{}, conflict
	case errors.Is(err, errRollback):
		return res, nil
	case err != nil:
		return flows.AppendResult{}, fmt.Errorf("append to %s: %w", c.Process, err)
	}
	return res, nil
}

// validateCommit is c.Validate plus the checks both backends share.
func validateCommit(c flows.Commit) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return checkProcess(c.Process)
}

func createProc(tx *bbolt.Tx, p string) (*bbolt.Bucket, error) {
	pb, err := tx.Bucket(bProcs).CreateBucket([]byte(p))
	if err != nil {
		return nil, fmt.Errorf("create process bucket: %w", err)
	}
	for _, name := range procBuckets {
		if _, err := pb.CreateBucket(name); err != nil {
			return nil, fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return pb, nil
}

// writeCommit writes the log, version, snapshot, outbox and due entries of c
// on top of version cur, and returns the new version.
func writeCommit(tx *bbolt.Tx, pb *bbolt.Bucket, c flows.Commit, cur int64) (int64, error) {
	meta, log := pb.Bucket(bMeta), pb.Bucket(bLog)
	version := cur
	for _, e := range c.Events {
		version++
		if err := log.Put(be64(uint64(version)), e); err != nil {
			return 0, fmt.Errorf("write event %d: %w", version, err)
		}
	}
	if err := putInt(meta, kVersion, version); err != nil {
		return 0, fmt.Errorf("write version: %w", err)
	}
	if c.Snapshot != nil {
		if err := putInt(meta, kSnapVer, version); err != nil {
			return 0, fmt.Errorf("write snapshot: %w", err)
		}
		if err := meta.Put(kSnapshot, c.Snapshot); err != nil {
			return 0, fmt.Errorf("write snapshot: %w", err)
		}
	}
	if len(c.Outbox) > 0 {
		outbox := pb.Bucket(bOutboxP)
		seq := getInt(meta, kSeq)
		for _, o := range c.Outbox {
			seq++
			if err := outbox.Put(be64(uint64(seq)), encodeOutbox(o.Chat, o.Body)); err != nil {
				return 0, fmt.Errorf("write outbox entry %d: %w", seq, err)
			}
		}
		if err := putInt(meta, kSeq, seq); err != nil {
			return 0, fmt.Errorf("write outbox sequence: %w", err)
		}
		if err := tx.Bucket(bOutbox).Put([]byte(c.Process), []byte{}); err != nil {
			return 0, fmt.Errorf("write outbox index: %w", err)
		}
	}
	if err := writeDue(tx, meta, c.Process, c.NextDue); err != nil {
		return 0, err
	}
	return version, nil
}

// writeDue replaces the process's entry in the due index.
func writeDue(tx *bbolt.Tx, meta *bbolt.Bucket, p string, next time.Time) error {
	idx := tx.Bucket(bDue)
	if old := meta.Get(kDue); len(old) == 8 {
		if err := idx.Delete(dueKey(be64dec(old), p)); err != nil {
			return fmt.Errorf("clear due index: %w", err)
		}
		if err := meta.Delete(kDue); err != nil {
			return fmt.Errorf("clear due: %w", err)
		}
	}
	if next.IsZero() {
		return nil
	}
	ms := uint64(dueMillis(next))
	if err := meta.Put(kDue, be64(ms)); err != nil {
		return fmt.Errorf("write due: %w", err)
	}
	if err := idx.Put(dueKey(ms, p), []byte{}); err != nil {
		return fmt.Errorf("write due index: %w", err)
	}
	return nil
}

func dueKey(ms uint64, p string) []byte { return append(be64(ms), p...) }

// idemRecord is what procs/<P>/idem keeps per key.
type idemRecord struct {
	expires time.Time
	version int64
	result  []byte
}

func encodeIdem(r idemRecord) []byte {
	b := make([]byte, 16, 16+len(r.result))
	binary.BigEndian.PutUint64(b, unixNanos(r.expires))
	binary.BigEndian.PutUint64(b[8:], uint64(r.version))
	return append(b, r.result...)
}

func decodeIdem(v []byte) (idemRecord, error) {
	if len(v) < 16 {
		return idemRecord{}, errors.New("malformed idempotency record")
	}
	return idemRecord{
		expires: time.Unix(0, int64(be64dec(v))),
		version: int64(be64dec(v[8:])),
		result:  clone(v[16:]),
	}, nil
}

// idemExpKey orders idempotency keys by expiry for purging.
func idemExpKey(expires time.Time, p, key string) []byte {
	b := be64(unixNanos(expires))
	b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
	b = append(b, p...)
	return append(b, key...)
}

func parseIdemExpKey(k []byte) (p, key string, ok bool) {
	if len(k) < 12 {
		return "", "", false
	}
	n := int(binary.BigEndian.Uint32(k[8:12]))
	if 12+n > len(k) {
		return "", "", false
	}
	return string(k[12 : 12+n]), string(k[12+n:]), true
}

// writeIdem remembers c.Key until c.KeyExpires (now+MinKeyTTL if zero). A
// key whose expiry has already passed is not stored, as in Redis.
func writeIdem(tx *bbolt.Tx, pb *bbolt.Bucket, c flows.Commit, version int64, stale *idemRecord, now time.Time) error {
	idem, exp := pb.Bucket(bIdem), tx.Bucket(bIdemExp)
	if stale != nil {
		if err := exp.Delete(idemExpKey(stale.expires, c.Process, c.Key)); err != nil {
			return fmt.Errorf("forget expired key: %w", err)
		}
		if err := idem.Delete([]byte(c.Key)); err != nil {
			return fmt.Errorf("forget expired key: %w", err)
		}
	}
	expires := c.KeyExpires
	if expires.IsZero() {
		expires = now.Add(flows.MinKeyTTL)
	}
	if !expires.After(now) {
		return nil
	}
	rec := idemRecord{expires: expires, version: version, result: c.Result}
	if err := idem.Put([]byte(c.Key), encodeIdem(rec)); err != nil {
		return fmt.Errorf("write idempotency key: %w", err)
	}
	if err := exp.Put(idemExpKey(expires, c.Process, c.Key), []byte{}); err != nil {
		return fmt.Errorf("write idempotency expiry: %w", err)
	}
	return nil
}
