package store

import (
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/samen-bot/samen/flows"
)

// BackupProcess reads everything of process p that a backup keeps (see
// flows.ProcessBackup), in one read transaction: a consistent cut at one
// version. It returns flows.ErrNotFound for a process without a commit.
func (b *Bolt) BackupProcess(ctx context.Context, p string) (flows.ProcessBackup, error) {
	out := flows.ProcessBackup{Process: p}
	err := b.view(ctx, "back up "+p, func(tx *bbolt.Tx) error {
		pb := procBucket(tx, p)
		if pb == nil {
			return flows.ErrNotFound
		}
		meta := pb.Bucket(bMeta)
		v := getInt(meta, kVersion)
		out.Events = make([][]byte, 0, v)
		err := pb.Bucket(bLog).ForEach(func(k, e []byte) error {
			if int64(be64dec(k)) != int64(len(out.Events))+1 {
				return fmt.Errorf("log of %s has a gap at version %d", p, len(out.Events)+1)
			}
			out.Events = append(out.Events, clone(e))
			return nil
		})
		if err != nil {
			return err
		}
		if int64(len(out.Events)) != v {
			return fmt.Errorf("log of %s has %d events, version %d", p, len(out.Events), v)
		}
		if snap := meta.Get(kSnapshot); snap != nil {
			out.Snapshot, out.SnapshotVersion = clone(snap), getInt(meta, kSnapVer)
		}
		if due := meta.Get(kDue); len(due) == 8 {
			out.NextDue = time.UnixMilli(int64(be64dec(due))).UTC()
		}
		out.OutboxSeq = getInt(meta, kSeq)
		err = pb.Bucket(bOutboxP).ForEach(func(k, raw []byte) error {
			chat, body, err := decodeOutbox(raw)
			if err != nil {
				return err
			}
			out.Outbox = append(out.Outbox, flows.OutboxEntry{Seq: int64(be64dec(k)), Chat: chat, Body: body})
			return nil
		})
		if err != nil {
			return err
		}
		err = pb.Bucket(bRefs).ForEach(func(k, id []byte) error {
			if out.Refs == nil {
				out.Refs = map[string]string{}
			}
			out.Refs[string(k)] = string(id)
			return nil
		})
		if err != nil {
			return err
		}
		now := b.now()
		return pb.Bucket(bIdem).ForEach(func(k, raw []byte) error {
			rec, err := decodeIdem(raw)
			if err != nil {
				return fmt.Errorf("idempotency key %q: %w", k, err)
			}
			if rec.expires.After(now) {
				out.Keys = append(out.Keys, flows.KeyBackup{Key: string(k), Expires: rec.expires.UTC(), Version: rec.version, Result: rec.result})
			}
			return nil
		})
	})
	if err != nil {
		return flows.ProcessBackup{}, err
	}
	return out, nil
}

// RestoreProcess writes a process from a backup, in one transaction: its
// log exactly as it was, snapshot, timer, unsent outbox entries, message
// refs and idempotency keys (those not yet expired). If the process exists
// it fails with flows.ErrProcessExists, unless force is set: then the
// process is replaced as a whole.
func (b *Bolt) RestoreProcess(ctx context.Context, pb flows.ProcessBackup, force bool) error {
	if err := checkRestore(&pb); err != nil {
		return err
	}
	return b.update(ctx, "restore "+pb.Process, func(tx *bbolt.Tx) error {
		if old := procBucket(tx, pb.Process); old != nil {
			if !force {
				return fmt.Errorf("%w: %s", flows.ErrProcessExists, pb.Process)
			}
			if err := dropProc(tx, pb.Process, old); err != nil {
				return err
			}
		}
		return writeBackup(tx, pb, b.now())
	})
}

func checkRestore(pb *flows.ProcessBackup) error {
	if err := checkProcess(pb.Process); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := pb.Check(); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// dropProc removes process p and its entries in the shared buckets.
func dropProc(tx *bbolt.Tx, p string, pb *bbolt.Bucket) error {
	if due := pb.Bucket(bMeta).Get(kDue); len(due) == 8 {
		if err := tx.Bucket(bDue).Delete(dueKey(be64dec(due), p)); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bOutbox).Delete([]byte(p)); err != nil {
		return err
	}
	exp := tx.Bucket(bIdemExp)
	err := pb.Bucket(bIdem).ForEach(func(k, raw []byte) error {
		rec, err := decodeIdem(raw)
		if err != nil {
			return nil // a malformed record has no expiry entry to find
		}
		return exp.Delete(idemExpKey(rec.expires, p, string(k)))
	})
	if err != nil {
		return err
	}
	return tx.Bucket(bProcs).DeleteBucket([]byte(p))
}

func writeBackup(tx *bbolt.Tx, in flows.ProcessBackup, now time.Time) error {
	pb, err := createProc(tx, in.Process)
	if err != nil {
		return err
	}
	meta, log := pb.Bucket(bMeta), pb.Bucket(bLog)
	for i, e := range in.Events {
		if err := log.Put(be64(uint64(i+1)), e); err != nil {
			return fmt.Errorf("write event %d: %w", i+1, err)
		}
	}
	if err := putInt(meta, kVersion, in.Version()); err != nil {
		return err
	}
	if in.Snapshot != nil {
		if err := putInt(meta, kSnapVer, in.SnapshotVersion); err != nil {
			return err
		}
		if err := meta.Put(kSnapshot, in.Snapshot); err != nil {
			return err
		}
	}
	if err := putInt(meta, kSeq, in.OutboxSeq); err != nil {
		return err
	}
	outbox := pb.Bucket(bOutboxP)
	for _, o := range in.Outbox {
		if err := outbox.Put(be64(uint64(o.Seq)), encodeOutbox(o.Chat, o.Body)); err != nil {
			return err
		}
	}
	if len(in.Outbox) > 0 {
		if err := tx.Bucket(bOutbox).Put([]byte(in.Process), []byte{}); err != nil {
			return err
		}
	}
	refs := pb.Bucket(bRefs)
	for ref, id := range in.Refs {
		if err := checkKey("ref", ref); err != nil {
			return err
		}
		if err := refs.Put([]byte(ref), []byte(id)); err != nil {
			return err
		}
	}
	if err := writeDue(tx, meta, in.Process, in.NextDue); err != nil {
		return err
	}
	idem, exp := pb.Bucket(bIdem), tx.Bucket(bIdemExp)
	for _, k := range in.Keys {
		if !k.Expires.After(now) {
			continue
		}
		rec := idemRecord{expires: k.Expires, version: k.Version, result: k.Result}
		if err := idem.Put([]byte(k.Key), encodeIdem(rec)); err != nil {
			return err
		}
		if err := exp.Put(idemExpKey(k.Expires, in.Process, k.Key), []byte{}); err != nil {
			return err
		}
	}
	return nil
}

// BackupShared reads every index entry, set and live temporary value, in
// one read transaction.
func (b *Bolt) BackupShared(ctx context.Context) (flows.SharedBackup, error) {
	out := flows.SharedBackup{Indexes: map[string]string{}, Sets: map[string][]string{}}
	err := b.view(ctx, "back up indexes", func(tx *bbolt.Tx) error {
		err := tx.Bucket(bIndex).ForEach(func(k, v []byte) error {
			out.Indexes[string(k)] = string(v)
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bSets).ForEachBucket(func(k []byte) error {
			var members []string
			err := tx.Bucket(bSets).Bucket(k).ForEach(func(m, _ []byte) error {
				members = append(members, string(m))
				return nil
			})
			if len(members) > 0 {
				out.Sets[string(k)] = members
			}
			return err
		})
		if err != nil {
			return err
		}
		now := b.now()
		return tx.Bucket(bTemp).ForEach(func(k, raw []byte) error {
			if len(raw) < 8 {
				return nil
			}
			exp := time.Unix(0, int64(be64dec(raw)))
			if exp.After(now) {
				out.Temps = append(out.Temps, flows.TempBackup{Key: string(k), Value: clone(raw[8:]), Expires: exp.UTC()})
			}
			return nil
		})
	})
	return out, err
}

// RestoreShared writes index entries, set members and temporary values
// from a backup, in one transaction, over what is there (nothing is
// removed). Temporary values keep their expiry; those already expired are
// left out.
func (b *Bolt) RestoreShared(ctx context.Context, s flows.SharedBackup) error {
	return b.update(ctx, "restore indexes", func(tx *bbolt.Tx) error {
		for k, v := range s.Indexes {
			if err := checkKey("index key", k); err != nil {
				return err
			}
			if err := tx.Bucket(bIndex).Put([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		for k, members := range s.Sets {
			for _, m := range members {
				if err := checkSet(k, m); err != nil {
					return err
				}
			}
			set, err := tx.Bucket(bSets).CreateBucketIfNotExists([]byte(k))
			if err != nil {
				return err
			}
			for _, m := range members {
				if err := set.Put([]byte(m), []byte{}); err != nil {
					return err
				}
			}
		}
		now := b.now()
		for _, t := range s.Temps {
			if err := checkKey("temp key", t.Key); err != nil {
				return err
			}
			if !t.Expires.After(now) {
				continue
			}
			if err := deleteTemp(tx, t.Key); err != nil {
				return err
			}
			exp := be64(unixNanos(t.Expires))
			if err := tx.Bucket(bTemp).Put([]byte(t.Key), append(exp, t.Value...)); err != nil {
				return err
			}
			if err := tx.Bucket(bTempExp).Put(append(exp, t.Key...), []byte{}); err != nil {
				return err
			}
		}
		return nil
	})
}
