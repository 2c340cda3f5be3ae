package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"unicode"
	"unicode/utf8"

	"go.etcd.io/bbolt"
)

// Dump calls fn for every key in the file, with its bucket path
// ("procs/p1/log/0x0000000000000001") and raw value. Keys that are printable
// UTF-8 are shown as they are, others in hex with a 0x prefix.
func (b *Bolt) Dump(ctx context.Context, fn func(key string, value []byte) error) error {
	return b.view(ctx, "dump", func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, bucket *bbolt.Bucket) error {
			return dumpBucket(renderKey(name), bucket, fn)
		})
	})
}

func dumpBucket(path string, bucket *bbolt.Bucket, fn func(string, []byte) error) error {
	return bucket.ForEach(func(k, v []byte) error {
		p := path + "/" + renderKey(k)
		if sub := bucket.Bucket(k); sub != nil {
			return dumpBucket(p, sub, fn)
		}
		return fn(p, clone(v))
	})
}

func renderKey(k []byte) string {
	if printable(k) {
		return string(k)
	}
	return "0x" + hex.EncodeToString(k)
}

func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// String names the store for logs.
func (b *Bolt) String() string { return fmt.Sprintf("bolt %s", b.path) }
