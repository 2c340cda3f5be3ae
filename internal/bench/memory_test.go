package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkMemory reports the bot's memory with 100 active processes of
// 1,000 members each (their states in the state cache, as after recent
// answers; target: at most 200 MB), and what Redis holds per 10,000
// answers (target: at most 20 MB).
func BenchmarkMemory(b *testing.B) {
	const processes, members = 100, 1000
	c := newCore(b)
	runtime.GC()
	base := heapInUse()
	var voters []*voter
	for p := range processes {
		title := fmt.Sprintf("m%d", p)
		v := newVoter(title, c.consentProcess(b, title, members, 3), members, 3)
		v.answer(b, c) // active: its state is kept in memory
		voters = append(voters, v)
	}
	c.flush(b)
	runtime.GC()
	b.ReportMetric(float64(heapInUse()-base)/(1<<20), "heap_MB_100x1000")
	b.ReportMetric(float64(rss())/(1<<20), "rss_MB_benchmark_process")

	// Redis: 10,000 answers in one of them.
	v := voters[0]
	before := usedMemory(b, c)
	for i := 0; i < 10_000; {
		i += v.answer(b, c)
		if i%500 == 0 {
			c.flush(b)
		}
	}
	c.flush(b)
	b.ReportMetric(float64(usedMemory(b, c)-before)/(1<<20), "redis_MB_per_10000_answers")
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// rss is this process's resident set size, from /proc (0 elsewhere).
func rss() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// usedMemory is Redis's used_memory.
func usedMemory(tb testing.TB, c *core) int64 {
	tb.Helper()
	info, err := c.client.Info(context.Background(), "memory").Result()
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	tb.Fatal("no used_memory in INFO memory")
	return 0
}
