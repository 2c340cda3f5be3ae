package storetest

import (
	"testing"
	"time"

	"github.com/samen-bot/samen/flows"
)

func testDue(t *testing.T, e *env) {
	at := func(d time.Duration) time.Time { return dueBase.Add(d) }
	withDue := func(p, key string, expected int64, due time.Time) {
		c := commit(p, key, expected, key)
		c.NextDue = due
		e.appendNew(c)
	}
	check := func(now time.Time, limit int, want ...flows.DueProcess) {
		t.Helper()
		if got := e.due(now, limit); !sameDue(got, want) {
			t.Fatalf("Due(base%+v, %d): got %s, want %s", now.Sub(dueBase), limit, fmtDue(got), fmtDue(want))
		}
	}
	dp := func(p string, d time.Duration) flows.DueProcess { return flows.DueProcess{Process: p, At: at(d)} }

	withDue("p3", "p3-1", 0, at(3*time.Second))
	withDue("p1", "p1-1", 0, at(time.Second))
	withDue("p2", "p2-1", 0, at(2*time.Second))
	withDue("p4", "p4-1", 0, time.Time{})

	check(at(0), 10)
	check(at(time.Second-time.Millisecond), 10)
	check(at(time.Second), 10, dp("p1", time.Second))
	check(at(2*time.Second), 10, dp("p1", time.Second), dp("p2", 2*time.Second))
	check(farFuture, 10, dp("p1", time.Second), dp("p2", 2*time.Second), dp("p3", 3*time.Second))
	check(farFuture, 2, dp("p1", time.Second), dp("p2", 2*time.Second))
	check(farFuture, 1, dp("p1", time.Second))

	// A zero NextDue takes the process off the list.
	withDue("p2", "p2-2", 1, time.Time{})
	check(farFuture, 10, dp("p1", time.Second), dp("p3", 3*time.Second))

	// A later NextDue moves it: the earlier time is stale and not listed.
	withDue("p1", "p1-2", 1, at(5*time.Second))
	check(at(2*time.Second), 10)
	check(at(4*time.Second), 10, dp("p3", 3*time.Second))
	check(farFuture, 10, dp("p3", 3*time.Second), dp("p1", 5*time.Second))
	// …and again, after whatever repair the first look did.
	check(at(2*time.Second), 10)
	check(farFuture, 1, dp("p3", 3*time.Second))

	// An earlier one too.
	withDue("p3", "p3-2", 1, at(500*time.Millisecond))
	check(at(time.Second), 10, dp("p3", 500*time.Millisecond))

	// Cleared and set again.
	withDue("p2", "p2-3", 2, at(time.Second))
	check(at(time.Second), 10, dp("p3", 500*time.Millisecond), dp("p2", time.Second))

	// The limit takes the earliest, even among many.
	for i := range 20 {
		p := "many" + string(rune('a'+i))
		withDue(p, p, 0, at(time.Duration(10+i)*time.Second))
	}
	check(farFuture, 5, dp("p3", 500*time.Millisecond), dp("p2", time.Second), dp("p1", 5*time.Second),
		dp("manya", 10*time.Second), dp("manyb", 11*time.Second))
}

func testDueRoundsUp(t *testing.T, e *env) {
	// Due times are kept to the millisecond, and never reported early.
	c := commit("p", "k", 0, "e")
	c.NextDue = dueBase.Add(1500 * time.Microsecond)
	e.appendNew(c)
	if got := e.due(dueBase.Add(time.Millisecond), 10); len(got) != 0 {
		t.Fatalf("Due before the due time: got %s, want none", fmtDue(got))
	}
	got := e.due(dueBase.Add(2*time.Millisecond), 10)
	if len(got) != 1 || got[0].Process != "p" || got[0].At.Before(c.NextDue) || got[0].At.Sub(c.NextDue) >= time.Millisecond {
		t.Fatalf("Due after the due time: got %s, want p at %v (to the millisecond, not before)", fmtDue(got), c.NextDue)
	}
}
