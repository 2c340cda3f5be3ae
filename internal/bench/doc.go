// Package bench measures Samen against the targets of its performance
// issue: throughput next to a bare go-telegram/bot bot on the same fake Bot
// API, Redis work per answer, growth with process size, a broadcast to 200
// groups under Telegram's limits, memory, and latency. Everything runs
// against a real redis-server (started per benchmark, on a unix socket)
// and the fakes in bot/telegram/telegramtest; nothing is mocked.
//
// One command runs them all and prints each figure as a benchmark metric:
//
//	go test -run '^$' -bench . -benchtime 300x ./internal/bench/
//
// BenchmarkAnswer and BenchmarkStatus are b.N loops (300 answers or
// /status calls each). BenchmarkThroughput, BenchmarkBroadcast and
// BenchmarkMemory do a fixed amount of work once, whatever b.N, and report
// named rates and sizes; their ns/op means nothing.
package bench
