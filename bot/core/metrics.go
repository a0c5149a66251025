package core

import "time"

// Metrics observes what the core does; cmd/studybot plugs in Prometheus.
// Every method must be safe for concurrent use and must not block.
type Metrics interface {
	// Posted counts a daily question posted on a platform.
	Posted(platform string)
	// Answered counts an answer click; outcome is "counted", "duplicate",
	// "closed", "practice" or "invalid".
	Answered(platform, outcome string)
	// Command counts a command by name.
	Command(name string)
	// Error counts an error by kind.
	Error(kind string)
	// SchedulerLag observes how late a slot was posted.
	SchedulerLag(d time.Duration)
}

// NopMetrics observes nothing: the default.
type NopMetrics struct{}

// Posted implements Metrics.
func (NopMetrics) Posted(string) {}

// Answered implements Metrics.
func (NopMetrics) Answered(string, string) {}

// Command implements Metrics.
func (NopMetrics) Command(string) {}

// Error implements Metrics.
func (NopMetrics) Error(string) {}

// SchedulerLag implements Metrics.
func (NopMetrics) SchedulerLag(time.Duration) {}
