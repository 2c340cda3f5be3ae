package bench

import (
	"fmt"
	"testing"
)

// BenchmarkAnswer is the cost of one consent answer (a press of "Ik stem
// in" that changes someone's answer) in the bot core on Redis (resolve,
// load, decide, append, the reply, the outbox entry),
// with 100, 1,000 and 10,000 participants in one process, and with answers
// spread over 100 processes of 100. Target: flat, within 1.5× from 100 to
// 10,000. It also reports the Redis round trips and commands per answer
// (target: at most 2 round trips, whatever the size).
func BenchmarkAnswer(b *testing.B) {
	for _, size := range []struct {
		name               string
		processes, members int
	}{
		{"members=100", 1, 100},
		{"members=1000", 1, 1000},
		{"members=10000", 1, 10000},
		{"processes=100", 100, 100},
	} {
		b.Run(size.name, func(b *testing.B) {
			c := newCore(b)
			var voters []*voter
			for p := range size.processes {
				title := fmt.Sprintf("p%d", p)
				voters = append(voters, newVoter(title, c.consentProcess(b, title, size.members, 3), size.members, 3))
			}
			// Everyone answers once before the clock starts: the first
			// answer of a person is the same work as a later one, but
			// the log and the snapshots then have their working size.
			for range size.members {
				for _, v := range voters {
					v.answer(b, c)
				}
			}
			c.flush(b)
			b.ReportAllocs()
			b.ResetTimer()
			var trips, commands int64
			for i := range b.N {
				v := voters[i%len(voters)]
				// Untimed: this member gives a concern (press and
				// text), so that the consent press timed next is a
				// real change of answer.
				b.StopTimer()
				// Members in a spread order (7919 is prime): the names
				// a round message shows are the first 20 in alphabetical
				// order, and answering in that order would have every
				// change touch that list.
				m := (v.next * 7919) % v.people
				v.concernBy(b, c, m)
				if i%100 == 0 {
					c.flush(b) // the outbox, as the sender keeps it empty
				}
				t0, c0 := c.rt.trips.Load(), c.rt.commands.Load()
				b.StartTimer()
				v.consentBy(b, c, m)
				b.StopTimer()
				trips += c.rt.trips.Load() - t0
				commands += c.rt.commands.Load() - c0
				v.next++
				b.StartTimer()
			}
			b.StopTimer()
			b.ReportMetric(float64(trips)/float64(b.N), "roundtrips/answer")
			b.ReportMetric(float64(commands)/float64(b.N), "commands/answer")
		})
	}
}
