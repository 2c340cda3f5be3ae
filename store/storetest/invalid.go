package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
)

func testInvalidArguments(t *testing.T, e *env) {
	good := commit("p", "k", 0, "e")
	bad := map[string]func(c *flows.Commit){
		"no process":         func(c *flows.Commit) { c.Process = "" },
		"no key":             func(c *flows.Commit) { c.Key = "" },
		"negative expected":  func(c *flows.Commit) { c.Expected = -1 },
		"nothing to write":   func(c *flows.Commit) { c.Events = nil },
		"brace in process":   func(c *flows.Commit) { c.Process = "p{1}" },
		"closing brace only": func(c *flows.Commit) { c.Process = "}p" },
	}
	for name, spoil := range bad {
		c := good
		spoil(&c)
		_, err := e.s.Append(e.ctx, c)
		if err == nil || errors.Is(err, flows.ErrVersionConflict) {
			t.Errorf("Append with %s: got %v, want a validation error", name, err)
		}
	}
	if _, err := e.s.Load(e.ctx, "p{1}"); err == nil || isNotFound(err) {
		t.Errorf("Load with a brace in the process id: got %v, want a validation error", err)
	}
	if ps := e.processes(); len(ps) != 0 {
		t.Errorf("Processes after invalid commits: got %v, want none", ps)
	}

	e.appendNew(good)
	errs := map[string]error{}
	_, errs["ReadLog from 0"] = e.s.ReadLog(e.ctx, "p", 0, 10)
	_, errs["ReadLog limit 0"] = e.s.ReadLog(e.ctx, "p", 1, 0)
	_, errs["PendingOutbox limit 0"] = e.s.PendingOutbox(e.ctx, "p", 0)
	_, errs["OutboxProcesses limit 0"] = e.s.OutboxProcesses(e.ctx, 0)
	_, errs["Due limit 0"] = e.s.Due(e.ctx, farFuture, 0)
	errs["PutTemp ttl 0"] = e.s.PutTemp(e.ctx, "t", []byte("v"), 0)
	errs["PutTemp negative ttl"] = e.s.PutTemp(e.ctx, "t", []byte("v"), -time.Second)
	errs["PutTemp empty key"] = e.s.PutTemp(e.ctx, "", []byte("v"), time.Second)
	errs["SetIndex empty key"] = e.s.SetIndex(e.ctx, "", "v")
	errs["AddToSet empty member"] = e.s.AddToSet(e.ctx, "s", "")
	errs["AddToSet empty key"] = e.s.AddToSet(e.ctx, "", "m")
	errs["MarkSent without process"] = e.s.MarkSent(e.ctx, flows.Sent{Seq: 1})
	for what, err := range errs {
		if err == nil {
			t.Errorf("%s: got no error, want one", what)
		}
	}
}
