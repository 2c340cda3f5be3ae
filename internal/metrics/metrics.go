// Package metrics is Samen's Prometheus instrumentation: the bot core's
// Observer, a store that times every call, counters for the platforms'
// 429s and gauges sampled from the store. cmd/samen wires it; the bot core
// does not import it (or Prometheus).
//
// Labels are few and bounded: a platform ("tg", "dc", "web"), an update
// kind, a store operation, a send's result. Never a user, chat or process
// id.
package metrics

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/samen-bot/samen/bot"
)

// Metrics holds Samen's metrics in a registry of their own.
type Metrics struct {
	reg         *prometheus.Registry
	updates     *prometheus.CounterVec
	handling    *prometheus.HistogramVec
	send        *prometheus.HistogramVec
	sends       *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	storeTime   *prometheus.HistogramVec
	storeErrors *prometheus.CounterVec
	// sampleAge is SampleAge (tests set 0: every scrape samples).
	sampleAge time.Duration
}

// New returns the metrics, registered with the Go runtime's and the
// process's own.
func New() *Metrics {
	m := &Metrics{
		sampleAge: SampleAge,
		reg:       prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samen_updates_total",
			Help: "Updates (messages, commands, button presses, forms) handled by the bot core, by platform and kind.",
		}, []string{"platform", "kind"}),
		handling: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "samen_update_handling_seconds",
			Help:    "How long the bot core took to handle an update, by platform.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12), // 1 ms … ~60 s
		}, []string{"platform"}),
		send: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "samen_send_seconds",
			Help:    "How long one delivery of an outbox message to the platform took, by platform.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10), // 5 ms … ~19 s
		}, []string{"platform"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samen_sends_total",
			Help: "Deliveries of outbox messages, by platform and result (ok, retry_later, undeliverable, error).",
		}, []string{"platform", "result"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samen_rate_limited_total",
			Help: "Answers 429 Too Many Requests from a platform, by platform.",
		}, []string{"platform"}),
		storeTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "samen_store_seconds",
			Help:    "How long a store call took, by operation.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 3, 11), // 0.1 ms … ~6 s
		}, []string{"op"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samen_store_errors_total",
			Help: "Store calls that failed (not counting not-found and version conflicts), by operation.",
		}, []string{"op"}),
	}
	m.reg.MustRegister(m.updates, m.handling, m.send, m.sends, m.rateLimited, m.storeTime, m.storeErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// platform keeps a label to a short lower-case name: a chat id without a
// platform prefix must not become a label value.
func platform(p string) string {
	if p == "" || len(p) > 8 {
		return "other"
	}
	for _, c := range p {
		if c < 'a' || c > 'z' {
			return "other"
		}
	}
	return p
}

// Handled implements bot.Observer.
func (m *Metrics) Handled(p, kind string, d time.Duration) {
	p = platform(p)
	m.updates.WithLabelValues(p, kind).Inc()
	m.handling.WithLabelValues(p).Observe(d.Seconds())
}

// Delivered implements bot.Observer.
func (m *Metrics) Delivered(p string, d time.Duration, err error) {
	p = platform(p)
	m.send.WithLabelValues(p).Observe(d.Seconds())
	var later *bot.RetryLater
	result := "ok"
	switch {
	case errors.As(err, &later):
		result = "retry_later"
	case errors.Is(err, bot.ErrUndeliverable):
		result = "undeliverable"
	case err != nil:
		result = "error"
	}
	m.sends.WithLabelValues(p, result).Inc()
}

// RateLimited returns the function a platform's adapter calls on a 429
// (telegram.Config.RateLimited, discord.Config.RateLimited).
func (m *Metrics) RateLimited(p string) func() {
	c := m.rateLimited.WithLabelValues(platform(p))
	return c.Inc
}

// SampleTimeout bounds one sample of a gauge; a sample younger than
// SampleAge is reused, so frequent scrapes do not load the store.
const (
	SampleTimeout = 2 * time.Second
	SampleAge     = 10 * time.Second
)

// Gauges adds samen_outbox_pending and samen_active_processes, read by
// outbox and active when scraped (at most every SampleAge, each within
// SampleTimeout). A failed sample keeps the last value.
func (m *Metrics) Gauges(outbox, active func(context.Context) (int, error)) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "samen_outbox_pending",
			Help: "Messages waiting in the outboxes (sampled; at most 100 per process are counted).",
		}, (&sampler{read: outbox, age: m.sampleAge}).value),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "samen_active_processes",
			Help: "Processes with an open round (sampled).",
		}, (&sampler{read: active, age: m.sampleAge}).value),
	)
}

// sampler caches a slow reading.
type sampler struct {
	read func(context.Context) (int, error)
	age  time.Duration
	mu   sync.Mutex
	at   time.Time
	v    float64
}

func (s *sampler) value() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.at.IsZero() && time.Since(s.at) < s.age {
		return s.v
	}
	ctx, cancel := context.WithTimeout(context.Background(), SampleTimeout)
	defer cancel()
	if n, err := s.read(ctx); err == nil {
		s.v, s.at = float64(n), time.Now()
	}
	return s.v
}
