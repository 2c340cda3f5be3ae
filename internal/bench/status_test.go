package bench

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkStatus is /status in a group's chat (the consent matrix and the
// group's progress) with 100, 1,000 and 10,000 members who all answered.
// Target: O(groups), not O(answers).
func BenchmarkStatus(b *testing.B) {
	for _, members := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("members=%d", members), func(b *testing.B) {
			c := newCore(b)
			title := "s"
			v := newVoter(title, c.consentProcess(b, title, members, 3), members, 3)
			for range members {
				v.answer(b, c)
			}
			c.flush(b)
			b.ReportAllocs()
			for b.Loop() {
				if r := c.say(b, member(title, 0), groupChat(title, 0), "/status"); !strings.Contains(r.Text.Plain(), "reacties") {
					b.Fatalf("/status: %q", r.Text.Plain())
				}
			}
		})
	}
}
