package bot

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

type nopMetrics struct{}

func (nopMetrics) Posted(string)              {}
func (nopMetrics) Answered(string, string)    {}
func (nopMetrics) Command(string)             {}
func (nopMetrics) Error(string)               {}
func (nopMetrics) SchedulerLag(time.Duration) {}
