package store

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// be64 encodes n big-endian, so that byte order is numeric order.
func be64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

// dueMillis is t in unix milliseconds, rounded up so that a process is never
// reported due early (and at least 1: times before 1970 are simply due).
func dueMillis(t time.Time) int64 {
	ms := t.UnixMilli()
	if t.After(time.UnixMilli(ms)) {
		ms++
	}
	return max(ms, 1)
}

// maxNanoTime is the last time unix nanoseconds can hold (in 2262).
var maxNanoTime = time.Unix(0, math.MaxInt64)

// unixNanos is t in unix nanoseconds for expiry keys, clamped to what an
// int64 holds so that byte order stays time order.
func unixNanos(t time.Time) uint64 {
	switch {
	case t.Before(time.Unix(0, 0)):
		return 0
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return uint64(t.UnixNano())
}

// encodeOutbox renders an outbox entry's chat and body as one value:
// "<len(chat)>:<chat><body>". It is binary-safe and readable in a dump.
func encodeOutbox(chat string, body []byte) []byte {
	b := make([]byte, 0, len(chat)+len(body)+8)
	b = strconv.AppendInt(b, int64(len(chat)), 10)
	b = append(b, ':')
	b = append(b, chat...)
	return append(b, body...)
}

var errBadOutbox = errors.New("malformed outbox value")

// decodeOutbox is the inverse of encodeOutbox.
func decodeOutbox(v []byte) (chat string, body []byte, err error) {
	s := string(v)
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return "", nil, errBadOutbox
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || n < 0 || i+1+n > len(v) {
		return "", nil, errBadOutbox
	}
	chat = s[i+1 : i+1+n]
	body = append([]byte{}, v[i+1+n:]...)
	return chat, body, nil
}

func be64dec(b []byte) uint64 { return binary.BigEndian.Uint64(b) }
