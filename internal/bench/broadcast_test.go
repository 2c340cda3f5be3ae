package bench

import (
	"testing"
	"time"

	"github.com/samen-bot/samen/bot/telegram"
	"github.com/samen-bot/samen/bot/telegram/telegramtest"
)

// BenchmarkBroadcast opens a round in 200 groups against the fake Bot
// API's real limits (30 messages a second overall, 20 a minute per group,
// bursts per chat) with the adapter's default limits, and reports the
// rate achieved as a share of the allowed 30 a second (target: at least
// 90%) and the 429s Telegram answered (target: none).
func BenchmarkBroadcast(b *testing.B) {
	const groups = 200
	rig := newTGRig(b, telegramtest.Limits{Off: true})
	chats := benchGroups(groups)
	// Set-up without limits: the process, its 200 groups, a member each.
	stop := rig.run(b, noLimits)
	rig.linked(b, chats, benchPeople(groups))
	stop()

	rig.fake.Limits = telegramtest.Limits{} // Telegram's own, from now on
	rig.watch.mu.Lock()
	rig.watch.sends, rig.watch.got429 = nil, 0
	rig.watch.mu.Unlock()
	before := rig.fake.Count429()
	stop = rig.run(b, telegram.DefaultLimits)
	defer stop()
	start := time.Now()
	rig.fake.Message(rig.fay, telegramtest.Private(rig.fay), "/round concerns all")
	for _, g := range chats {
		rig.said(b, g.ID, "Ronde 1")
	}
	elapsed := time.Since(start)
	rig.watch.mu.Lock()
	sends := append([]time.Time(nil), rig.watch.sends...)
	got429 := rig.watch.got429
	rig.watch.mu.Unlock()
	if len(sends) < groups {
		b.Fatalf("%d messages sent, want at least one per group (%d)", len(sends), groups)
	}
	span := sends[len(sends)-1].Sub(sends[0]).Seconds()
	rate := float64(len(sends)-1) / span
	b.ReportMetric(float64(len(sends)), "messages")
	b.ReportMetric(rate, "messages/s")
	b.ReportMetric(100*rate/30, "pct_of_allowed")
	b.ReportMetric(float64(rig.fake.Count429()-before), "429s")
	b.ReportMetric(float64(got429), "429s_seen_by_bot")
	b.ReportMetric(elapsed.Seconds(), "s_to_all_groups")
}
