package bench

import (
	"fmt"
	"testing"
)

// BenchmarkAnswer is the cost of one consent answer in the bot core on
// Redis (resolve, load, decide, append, the reply, the outbox entry),
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
			trips, commands := c.rt.trips.Load(), c.rt.commands.Load()
			b.ReportAllocs()
			b.ResetTimer()
			answers := 0
			for i := 0; b.Loop(); i++ {
				voters[i%len(voters)].answer(b, c)
				answers++
			}
			b.StopTimer()
			b.ReportMetric(float64(c.rt.trips.Load()-trips)/float64(answers), "roundtrips/answer")
			b.ReportMetric(float64(c.rt.commands.Load()-commands)/float64(answers), "commands/answer")
		})
	}
}
