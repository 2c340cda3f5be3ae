// Package bench measures Samen against the targets of its performance
// issue: throughput next to a bare go-telegram/bot bot on the same fake Bot
// API, Redis work per answer, growth with process size, a broadcast to 200
// groups under Telegram's limits, memory, and latency. Everything runs
// against a real redis-server (started per benchmark, on a unix socket)
// and the fakes in bot/telegram/telegramtest; nothing is mocked.
//
// One command runs them all and prints each figure as a benchmark metric:
//
//	go test -run '^$' -bench . -benchtime 1x ./internal/bench/
//
// The growth benchmarks (BenchmarkAnswer, BenchmarkStatus) are ordinary
// b.N loops; give them time with -benchtime 2s. The others do a fixed
// amount of work once per b.N and report rates rather than ns/op.
package bench
