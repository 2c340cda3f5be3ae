package storetest

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func (e *env) dump() map[string][]byte {
	e.t.Helper()
	m := map[string][]byte{}
	err := e.s.Dump(e.ctx, func(k string, v []byte) error {
		if _, dup := m[k]; dup {
			e.t.Errorf("Dump: key %q seen twice", k)
		}
		m[k] = v
		return nil
	})
	if err != nil {
		e.t.Fatalf("Dump: %v", err)
	}
	return m
}

// dumpHas reports whether some key contains inKey and the key or its value
// contains inValue (a store may keep a set member in the key).
func dumpHas(m map[string][]byte, inKey, inValue string) bool {
	for k, v := range m {
		if strings.Contains(k, inKey) && (strings.Contains(k, inValue) || bytes.Contains(v, []byte(inValue))) {
			return true
		}
	}
	return false
}

func testDump(t *testing.T, e *env) {
	c := richCommit("proc-7", "key-7", 0, dueBase, "event-seven")
	e.appendNew(c)
	if err := e.s.SetIndex(e.ctx, "index-key", "index-value"); err != nil {
		t.Fatalf("SetIndex: %v", err)
	}
	if err := e.s.AddToSet(e.ctx, "set-key", "set-member"); err != nil {
		t.Fatalf("AddToSet: %v", err)
	}
	if err := e.s.PutTemp(e.ctx, "temp-key", []byte("temp-value"), time.Hour); err != nil {
		t.Fatalf("PutTemp: %v", err)
	}
	m := e.dump()
	for _, want := range [][2]string{
		{"proc-7", "event-seven"},
		{"proc-7", "snapshot by key-7"},
		{"proc-7", "body by key-7"},
		{"proc-7", "result of key-7"},
		{"index-key", "index-value"},
		{"set-key", "set-member"},
		{"temp-key", "temp-value"},
	} {
		if !dumpHas(m, want[0], want[1]) {
			t.Errorf("Dump: no key with %q holding %q in %s", want[0], want[1], fmtDump(m))
		}
	}

	// What is deleted is gone from the dump; a rejected commit never shows.
	if err := e.s.DeleteIndex(e.ctx, "index-key"); err != nil {
		t.Fatalf("DeleteIndex: %v", err)
	}
	if err := e.s.RemoveFromSet(e.ctx, "set-key", "set-member"); err != nil {
		t.Fatalf("RemoveFromSet: %v", err)
	}
	if err := e.s.DeleteTemp(e.ctx, "temp-key"); err != nil {
		t.Fatalf("DeleteTemp: %v", err)
	}
	if _, err := e.s.Append(e.ctx, richCommit("proc-7", "rejected-key", 0, dueBase, "rejected-event")); err == nil {
		t.Fatalf("conflicting Append: got no error")
	}
	m = e.dump()
	for k, v := range m {
		for _, gone := range []string{"index-key", "set-key", "temp-key", "rejected"} {
			if strings.Contains(k, gone) || bytes.Contains(v, []byte(gone)) {
				t.Errorf("Dump after deleting: %q = %q still mentions %q", k, v, gone)
			}
		}
	}
}

func fmtDump(m map[string][]byte) string {
	var b strings.Builder
	for k, v := range m {
		b.WriteString("\n  " + k + " = " + strings.ReplaceAll(string(v), "\n", "\\n"))
	}
	return b.String()
}
