package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/studybot/studybot/bot"
	"github.com/studybot/studybot/store"
)

// metrics implements bot.Metrics with Prometheus and holds the rest of
// studybot's metrics. Names are stable (testdata/metrics.golden).
type metrics struct {
	reg        *prometheus.Registry
	posts      *prometheus.CounterVec
	answers    *prometheus.CounterVec
	commands   *prometheus.CounterVec
	errors     *prometheus.CounterVec
	apiLatency *prometheus.HistogramVec
	lag        prometheus.Histogram
	commit     prometheus.Histogram
}

var answerOutcomes = []string{"counted", "duplicate", "closed", "practice", "invalid"}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.posts = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "studybot_posts_total", Help: "Daily questions posted."}, []string{"platform"})
	m.answers = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "studybot_answers_total", Help: "Answer clicks by outcome."}, []string{"platform", "outcome"})
	m.commands = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "studybot_commands_total", Help: "Commands by name."}, []string{"command"})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "studybot_errors_total", Help: "Errors by kind."}, []string{"kind"})
	m.apiLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "studybot_platform_api_seconds", Help: "Latency of platform API calls the core makes.",
		Buckets: prometheus.ExponentialBuckets(0.01, 2, 12)}, []string{"platform", "op"})
	m.lag = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "studybot_scheduler_lag_seconds", Help: "How late a daily question was posted after its slot.",
		Buckets: []float64{0.1, 0.5, 1, 5, 30, 60, 300, 3600, 21600}})
	m.commit = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "studybot_store_commit_seconds", Help: "Time a write waited for its commit (batched answers included).",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)})
	m.reg.MustRegister(m.posts, m.answers, m.commands, m.errors, m.apiLatency, m.lag, m.commit,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, c := range bot.Commands {
		m.commands.WithLabelValues(c.Name)
	}
	m.commands.WithLabelValues("unknown")
	for _, k := range []string{"internal", "platform", "post", "post_gave_up", "backup", "store", "schedule", "reload", "dm"} {
		m.errors.WithLabelValues(k)
	}
	return m
}

// watch adds the metrics that read live state: the database size, each
// adapter's connection state and its rate-limit waits.
func (m *metrics) watch(db *store.DB, adapters []adapter) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "studybot_db_size_bytes", Help: "Size of the database file."},
		func() float64 { return float64(db.Size()) }))
	for _, a := range adapters {
		labels := prometheus.Labels{"platform": a.Name()}
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "studybot_adapter_connected", Help: "1 when the adapter is connected.", ConstLabels: labels},
			func() float64 {
				if a.State() == "connected" {
					return 1
				}
				return 0
			}))
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "studybot_rate_limit_waits_total", Help: "Platform 429s waited out.", ConstLabels: labels},
			func() float64 { return float64(a.RateLimitWaits()) }))
		m.posts.WithLabelValues(a.Name())
		for _, o := range answerOutcomes {
			m.answers.WithLabelValues(a.Name(), o)
		}
		for _, op := range []string{"post_card", "update_card", "post"} {
			m.apiLatency.WithLabelValues(a.Name(), op)
		}
	}
}

// Posted implements bot.Metrics.
func (m *metrics) Posted(platform string) { m.posts.WithLabelValues(platform).Inc() }

// Answered implements bot.Metrics.
func (m *metrics) Answered(platform, outcome string) {
	m.answers.WithLabelValues(platform, outcome).Inc()
}

// Command implements bot.Metrics; unknown names share one label value.
func (m *metrics) Command(name string) {
	for _, c := range bot.Commands {
		if c.Name == name {
			m.commands.WithLabelValues(name).Inc()
			return
		}
	}
	m.commands.WithLabelValues("unknown").Inc()
}

// Error implements bot.Metrics.
func (m *metrics) Error(kind string) { m.errors.WithLabelValues(kind).Inc() }

// SchedulerLag implements bot.Metrics.
func (m *metrics) SchedulerLag(d time.Duration) { m.lag.Observe(d.Seconds()) }

// observeCommit feeds store.Options.ObserveCommit.
func (m *metrics) observeCommit(d time.Duration) { m.commit.Observe(d.Seconds()) }

// instrumented wraps a platform to time the calls the core makes.
type instrumented struct {
	bot.Platform
	m *metrics
}

func (p instrumented) time(op string, start time.Time) {
	p.m.apiLatency.WithLabelValues(p.Name(), op).Observe(time.Since(start).Seconds())
}

// PostCard implements bot.Platform.
func (p instrumented) PostCard(ctx context.Context, channel string, msg bot.Message) (string, error) {
	defer p.time("post_card", time.Now())
	return p.Platform.PostCard(ctx, channel, msg)
}

// UpdateCard implements bot.Platform.
func (p instrumented) UpdateCard(ctx context.Context, channel, ref string, msg bot.Message) error {
	defer p.time("update_card", time.Now())
	return p.Platform.UpdateCard(ctx, channel, ref, msg)
}

// Post implements bot.Platform.
func (p instrumented) Post(ctx context.Context, channel string, msg bot.Message) error {
	defer p.time("post", time.Now())
	return p.Platform.Post(ctx, channel, msg)
}
